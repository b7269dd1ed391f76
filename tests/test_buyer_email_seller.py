"""The buyer's emails name the seller, as a marketplace's do: a buyer has orders from many
sellers. Delivered through a real SMTP server on loopback."""

from email.message import EmailMessage

import pytest

from sellerdesk.accounts.models import Seller
from sellerdesk.cancellations.services import order_cancel
from tests.conftest import SmtpInbox, run_tasks
from tests.factories import make_listing, make_order, make_two_item_order, ship_item
from tests.test_refunds import adjust, line

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seller(db: None) -> Seller:
    # An ampersand and a quote: written as they are in the text part, escaped in the HTML.
    return Seller.objects.create(merchant_token="A0000000000777", name='Åre & "Söner" AB')


def subject(message: EmailMessage) -> str:
    """The subject as a mail program shows it: a long one is folded, and Python's parser keeps
    the folds' spaces."""
    return " ".join(message["Subject"].split())


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text, html


def test_a_cancellation_email_names_the_seller_in_the_buyers_language(
    smtp: SmtpInbox, seller, seller_user
):
    swedish = make_order(seller, buyer_language="sv")
    english = make_order(seller, buyer_language="en")

    for order in (swedish, english):
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason="NoInventory",
        )
    run_tasks()

    by_order = {subject(message): message for message in smtp.messages}
    sv_subject = f'Din beställning {swedish.amazon_order_id} från Åre & "Söner" AB har annullerats'
    en_subject = f'Your order {english.amazon_order_id} from Åre & "Söner" AB has been cancelled'
    assert set(by_order) == {sv_subject, en_subject}
    text, html = bodies(by_order[sv_subject])
    assert f'Din beställning {swedish.amazon_order_id} har annullerats av Åre & "Söner" AB.' in text
    assert "har annullerats av Åre &amp; &quot;Söner&quot; AB." in html
    text, html = bodies(by_order[en_subject])
    assert f'Your order {english.amazon_order_id} has been cancelled by Åre & "Söner" AB.' in text
    assert "has been cancelled by Åre &amp; &quot;Söner&quot; AB." in html


def test_an_item_cancellation_email_names_the_seller(smtp: SmtpInbox, seller, seller_user):
    mug, towel = make_listing(seller), make_listing(seller)
    order = make_order(seller, (mug, 1), (towel, 1))

    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=seller_user,
        reason="NoInventory",
        quantities={order.items.get(listing=mug).order_item_id: 1},
    )
    run_tasks()

    (message,) = smtp.messages
    assert subject(message) == (
        f'Varor i din beställning {order.amazon_order_id} från Åre & "Söner" AB har annullerats'
    )
    text, _html = bodies(message)
    assert (
        f'Åre & "Söner" AB har annullerat några varor i din beställning {order.amazon_order_id}.'
        in text
    )


def test_a_refund_email_names_the_seller(smtp: SmtpInbox, seller):
    order, first, _second = make_two_item_order(seller, language="en")
    ship_item(order, first)

    adjust(seller, order, line(first, principal="20.00"))
    run_tasks()

    (message,) = smtp.messages
    assert subject(message) == (
        f'You have been refunded for your order {order.amazon_order_id} from Åre & "Söner" AB'
    )
    text, html = bodies(message)
    assert f'Åre & "Söner" AB has refunded you for your order {order.amazon_order_id}.' in text
    assert "Åre &amp; &quot;Söner&quot; AB has refunded you" in html
