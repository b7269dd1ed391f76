"""One enumeration of error codes: each has a feed result code, each refusal of the status
table is translated, and the shared 'not found' of orders is."""

import importlib
import pkgutil

from django.utils import translation

import sellerdesk
from sellerdesk.core.errors import ApplicationError, ErrorCode, OrderNotFound
from sellerdesk.feeds.codes import PROBLEMS, MessageProblem
from sellerdesk.orders.models import OrderStatus
from sellerdesk.orders.status import ALLOWED, REFUSALS, Action


def error_classes(cls: type[ApplicationError]) -> set[type[ApplicationError]]:
    found = {cls}
    for sub in cls.__subclasses__():
        found |= error_classes(sub)
    return found


def test_every_error_code_has_a_feed_result_code():
    assert set(PROBLEMS) == set(ErrorCode)
    assert {
        code: PROBLEMS[code] for code in ErrorCode if code.startswith("cannot_ship_")
    } == dict.fromkeys(
        [
            ErrorCode.CANNOT_SHIP_PENDING,
            ErrorCode.CANNOT_SHIP_SHIPPED,
            ErrorCode.CANNOT_SHIP_CANCELED,
        ],
        MessageProblem.ORDER_NOT_SHIPPABLE,
    )


def test_no_two_members_share_a_value():
    # A repeated value would make the second name an alias of the first, silently.
    assert len(ErrorCode.__members__) == len(list(ErrorCode))


def test_every_error_class_of_the_product_has_a_member_as_its_code():
    for module in pkgutil.walk_packages(sellerdesk.__path__, "sellerdesk."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)

    classes = error_classes(ApplicationError)

    assert {cls.__name__ for cls in classes if not isinstance(cls.code, ErrorCode)} == set()
    assert len(classes) >= 11  # the kinds in core.errors, and those of accounts, feeds and api


def test_order_not_found_is_one_translated_error():
    with translation.override("sv"):
        swedish = OrderNotFound("123-1234567-1234567")
    with translation.override("en"):
        english = OrderNotFound("123-1234567-1234567")

    assert (swedish.code, swedish.http_status) == ("order_not_found", 404)
    assert swedish.message == "Beställning 123-1234567-1234567 hittades inte."
    assert english.message == "Order 123-1234567-1234567 was not found."


def test_the_status_table_decides_every_action_in_every_status():
    for action in Action:
        refused = set(REFUSALS[action])
        assert refused.isdisjoint(ALLOWED[action]), action
        assert refused | ALLOWED[action] == set(OrderStatus), action


def test_every_refusal_of_the_status_table_is_translated():
    refusals = {refusal for by_status in REFUSALS.values() for refusal in by_status.values()}
    untranslated = []
    for refusal in refusals:
        with translation.override("en"):
            english = str(refusal.message)
        with translation.override("sv"):
            swedish = str(refusal.message)
        if swedish == english:
            untranslated.append(refusal.code)

    assert untranslated == []
    assert {refusal.code for refusal in refusals} == {
        code for code in ErrorCode if code.startswith("cannot_")
    } | {ErrorCode.ALREADY_CANCELLED}
