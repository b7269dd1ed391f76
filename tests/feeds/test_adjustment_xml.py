"""The Order Adjustment XML feed parser: bytes in, adjustments (refunds) or errors out."""

import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.adjustment import AdjustedItem, Adjustment
from sellerdesk.feeds.parsers.adjustment_xml import read_order_adjustments
from sellerdesk.feeds.parsers.records import FeedRejected, RecordError

ORDER = "203-1234567-7654321"
OTHER_ORDER = "203-7654321-1234567"
ITEM = "12345678901234"
OTHER_ITEM = "22345678901234"
HEADER = (
    "<Header><DocumentVersion>1.01</DocumentVersion>"
    "<MerchantIdentifier>M_SELLERDESK_42</MerchantIdentifier></Header>"
)
REASONS = (
    "Abandoned, CarrierCoverageFailure, CarrierCreditDecision, CouldNotShip, "
    "CustomerAddressIncorrect, CustomerCancel, CustomerReturn, DifferentItem, Exchange, "
    "GeneralAdjustment, NoInventory, Other, PriceError, ProductOutofStock, RefusedDelivery, "
    "RiskAssessmentInformationNotValid, TransactionRecord, Undeliverable"
)
NEGATIVE = (
    "is negative; a negative amount would charge the buyer, and an adjustment refunds: write "
    "the refund as a positive amount."
)


def envelope(*messages: str, message_type: str = "OrderAdjustment") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope>'
        f"{HEADER}<MessageType>{message_type}</MessageType>\n"
        + "\n".join(messages)
        + "\n</AmazonEnvelope>\n"
    ).encode()


def element(name: str, value: str | None) -> str:
    return f"<{name}>{value}</{name}>" if value is not None else ""


def component(kind: str = "Principal", amount: str = "100.00", currency: str | None = "SEK") -> str:
    attribute = f' currency="{currency}"' if currency is not None else ""
    return f"<Component><Type>{kind}</Type><Amount{attribute}>{amount}</Amount></Component>"


def item(
    code: str | None = ITEM,
    *,
    reason: str | None = "CustomerReturn",
    components: str | None = None,
    cancelled: str | None = None,
    key: str | None = None,
    extra: str = "",
    after: str = "",
) -> str:
    """An AdjustedItem; components None is one Principal of 100.00 SEK, "" no prices at all."""
    if components is None:
        components = component()
    prices = f"<ItemPriceAdjustments>{components}</ItemPriceAdjustments>" if components else ""
    return (
        "<AdjustedItem>"
        + element("AmazonOrderItemCode", code)
        + extra
        + element("MerchantAdjustmentItemID", key)
        + element("AdjustmentReason", reason)
        + prices
        + after
        + element("QuantityCancelled", cancelled)
        + "</AdjustedItem>"
    )


def message(
    message_id: str | None = "1",
    *,
    order: str | None = ORDER,
    action: str | None = None,
    extra: str = "",
    items: str | None = None,
) -> str:
    parts = [
        element("MessageID", message_id),
        "<OrderAdjustment>",
        element("AmazonOrderID", order),
        extra,
        element("ActionType", action),
        item() if items is None else items,
        "</OrderAdjustment>",
    ]
    return f"<Message>{''.join(parts)}</Message>"


def adjusted(
    code: str = ITEM,
    *,
    reason: str = "CustomerReturn",
    key: str | None = None,
    cancelled: int = 0,
    currency: str = "SEK",
    principal: str = "100.00",
    shipping: str = "0.00",
    tax: str = "0.00",
    shipping_tax: str = "0.00",
    fee: str = "0.00",
) -> AdjustedItem:
    return AdjustedItem(
        code,
        reason,
        key,
        cancelled,
        currency,
        Decimal(principal),
        Decimal(shipping),
        Decimal(tax),
        Decimal(shipping_tax),
        Decimal(fee),
    )


def adjustment(message_id: int = 1, *items: AdjustedItem, order: str = ORDER) -> Adjustment:
    return Adjustment(message_id, order, items or (adjusted(),))


def parse(data: bytes) -> list[Adjustment | RecordError]:
    return list(read_order_adjustments(io.BytesIO(data)))


def rejection(data: bytes) -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(data)
    return caught.value


def item_error(
    code: MessageProblem, description: str, *, number: int = 1, item_code: str = ITEM
) -> RecordError:
    """The error of a one-message feed whose AdjustedItem `number` has one problem."""
    where = f"AdjustedItem {number} ({item_code})"
    return RecordError(1, code, f"{where}: {description}", ORDER, item_code)


# --- accepted messages -------------------------------------------------------------------------


def test_a_refund_of_one_item_price_is_one_adjustment() -> None:
    # Given a message that refunds 100.00 SEK of one item's price
    data = envelope(message("1"))

    # When it is parsed
    records = parse(data)

    # Then it is one adjustment of that item, in the amounts' currency
    assert records == [adjustment(1)]


def test_every_component_lands_in_its_field_and_the_restocking_fee_is_positive() -> None:
    # Given each refunded component and a restocking fee, with the seller's key
    components = (
        component("Principal", "100")
        + component("Shipping", "49.00")
        + component("Tax", "25.5")
        + component("ShippingTax", "12.25")
        + component("RestockingFee", "-10.00")
    )
    data = envelope(message("7", items=item(components=components, key="RET-1001-1")))

    # When it is parsed
    records = parse(data)

    # Then the refunds are two-place amounts and the fee is kept as the positive charge
    assert records == [
        adjustment(
            7,
            adjusted(
                key="RET-1001-1",
                principal="100.00",
                shipping="49.00",
                tax="25.50",
                shipping_tax="12.25",
                fee="10.00",
            ),
        )
    ]
    record = records[0]
    assert isinstance(record, Adjustment)
    assert str(record.items[0].principal) == "100.00"
    assert record.items[0].net == Decimal("176.75")


def test_items_that_only_cancel_units_have_no_currency() -> None:
    # Given a refund of one item and the cancellation of two units of another, without prices
    data = envelope(
        message(
            "1",
            action="Cancel",
            items=item(ITEM) + item(OTHER_ITEM, reason="NoInventory", components="", cancelled="2"),
        )
    )

    # When it is parsed
    records = parse(data)

    # Then both are items of the one adjustment; the second refunds nothing in no currency
    assert records == [
        adjustment(
            1,
            adjusted(ITEM),
            adjusted(OTHER_ITEM, reason="NoInventory", cancelled=2, currency="", principal="0.00"),
        )
    ]


@pytest.mark.parametrize("action", ["Refund", "Cancel", None])
def test_the_action_type_is_refund_cancel_or_absent(action: str | None) -> None:
    # Given each ActionType the schema allows, or none
    data = envelope(message("1", action=action))

    # When it is parsed
    records = parse(data)

    # Then the adjustment is the same
    assert records == [adjustment(1)]


def test_a_restocking_fee_of_zero_and_a_minus_zero_amount_are_zero() -> None:
    # Given a RestockingFee of 0.00 and a Tax written as -0
    components = component() + component("RestockingFee", "0.00") + component("Tax", "-0")

    # When it is parsed
    records = parse(envelope(message("1", items=item(components=components))))

    # Then both are zero, not negative zero
    assert records == [adjustment(1)]
    record = records[0]
    assert isinstance(record, Adjustment)
    assert (str(record.items[0].tax), str(record.items[0].restocking_fee)) == ("0.00", "0.00")


def test_messages_come_out_in_document_order_and_errors_do_not_stop_the_rest() -> None:
    # Given three messages, the middle one without an AdjustmentReason
    data = envelope(
        message("1"),
        message("2", items=item(reason=None)),
        message("3", order=OTHER_ORDER),
    )

    # When the feed is parsed
    records = parse(data)

    # Then each message gives one result, in order
    assert records == [
        adjustment(1),
        RecordError(
            2,
            MessageProblem.INVALID_ADJUSTMENT_REASON,
            f"AdjustedItem 1 ({ITEM}): AdjustmentReason is missing.",
            ORDER,
            ITEM,
        ),
        adjustment(3, order=OTHER_ORDER),
    ]


def test_a_namespaced_indented_feed_with_every_optional_element_is_read() -> None:
    # Given a pretty-printed feed with a default namespace, xsi attributes, OperationType, the
    # seller's ids, ActionType, a QuantityCancelled of 0 and a Quantity
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns="http://www.amazon.com/merchants/feeds"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header>
    <DocumentVersion>1.01</DocumentVersion>
    <MerchantIdentifier>M_SELLERDESK_42</MerchantIdentifier>
  </Header>
  <MessageType>OrderAdjustment</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <OperationType>Update</OperationType>
    <OrderAdjustment>
      <AmazonOrderID>{ORDER}</AmazonOrderID>
      <MerchantOrderID>SD-1001</MerchantOrderID>
      <ActionType>Refund</ActionType>
      <AdjustedItem>
        <AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>
        <MerchantOrderItemID>SD-1001-1</MerchantOrderItemID>
        <MerchantAdjustmentItemID>
          RET-1
        </MerchantAdjustmentItemID>
        <AdjustmentReason>CustomerReturn</AdjustmentReason>
        <ItemPriceAdjustments>
          <Component>
            <Type>Principal</Type>
            <Amount currency="SEK">
              99.50
            </Amount>
          </Component>
          <Component>
            <Type>RestockingFee</Type>
            <Amount xsi:type="CurrencyAmount" currency="SEK">-5.00</Amount>
          </Component>
        </ItemPriceAdjustments>
        <QuantityCancelled>0</QuantityCancelled>
        <Quantity>1</Quantity>
      </AdjustedItem>
    </OrderAdjustment>
  </Message>
</AmazonEnvelope>
""".encode()

    # When it is parsed
    records = parse(data)

    # Then namespaces, indentation, other attributes and the optional elements make no
    # difference
    assert records == [adjustment(1, adjusted(key="RET-1", principal="99.50", fee="5.00"))]


def test_a_prefixed_envelope_is_read_and_its_unprefixed_currency_attribute_counts() -> None:
    # Given a feed whose elements carry a namespace prefix; the currency attribute is unqualified,
    # as in the schema
    data = (
        b'<amzn:AmazonEnvelope xmlns:amzn="urn:amzn"><amzn:Header>'
        b"<amzn:DocumentVersion>1.01</amzn:DocumentVersion>"
        b"<amzn:MerchantIdentifier>M</amzn:MerchantIdentifier></amzn:Header>"
        b"<amzn:MessageType>OrderAdjustment</amzn:MessageType>"
        b"<amzn:Message><amzn:MessageID>1</amzn:MessageID><amzn:OrderAdjustment>"
        b"<amzn:AmazonOrderID>203-1234567-7654321</amzn:AmazonOrderID>"
        b"<amzn:AdjustedItem><amzn:AmazonOrderItemCode>12345678901234</amzn:AmazonOrderItemCode>"
        b"<amzn:AdjustmentReason>CustomerReturn</amzn:AdjustmentReason>"
        b"<amzn:ItemPriceAdjustments><amzn:Component><amzn:Type>Principal</amzn:Type>"
        b'<amzn:Amount currency="SEK">100.00</amzn:Amount></amzn:Component>'
        b"</amzn:ItemPriceAdjustments></amzn:AdjustedItem>"
        b"</amzn:OrderAdjustment></amzn:Message></amzn:AmazonEnvelope>"
    )

    # When it is parsed
    records = parse(data)

    # Then local names are what count
    assert records == [adjustment(1)]


def test_a_currency_attribute_in_a_namespace_is_not_the_currency() -> None:
    # Given an Amount whose currency attribute is qualified by a namespace prefix
    data = envelope(message("1")).replace(
        b'<Amount currency="SEK">', b'<Amount xmlns:a="urn:a" a:currency="SEK">'
    )

    # When it is parsed
    records = parse(data)

    # Then the Amount has no currency
    assert records == [
        item_error(
            MessageProblem.INVALID_AMOUNT,
            'Principal Amount 100.00 has no currency; write it like <Amount currency="SEK">'
            "100.00</Amount>.",
        )
    ]


def test_a_windows_1252_declaration_is_honoured() -> None:
    # Given a feed declared and encoded as Windows-1252, with a Swedish key
    data = envelope(message("1", items=item(key="Retur-Åsa"))).replace(b"UTF-8", b"windows-1252")
    data = data.decode().encode("cp1252")

    # When it is parsed
    records = parse(data)

    # Then the text is decoded as declared
    assert records == [adjustment(1, adjusted(key="Retur-Åsa"))]


def test_empty_optional_elements_are_absent() -> None:
    # Given empty MerchantAdjustmentItemID and MerchantOrderItemID elements
    data = envelope(
        message(
            "1",
            items=item(
                extra="<MerchantOrderItemID/>",
                key="",
            ),
        )
    )

    # When it is parsed
    records = parse(data)

    # Then they count as absent
    assert records == [adjustment(1)]


def test_a_key_of_100_characters_is_kept() -> None:
    # Given a MerchantAdjustmentItemID at the length limit
    data = envelope(message("1", items=item(key="K" * 100)))

    # When it is parsed
    records = parse(data)

    # Then it is the item's key, whole
    assert records == [adjustment(1, adjusted(key="K" * 100))]


# --- whole-file problems -----------------------------------------------------------------------


# --- the message and the order -----------------------------------------------------------------


@pytest.mark.parametrize("action", ["Return", "refund", ""])
def test_an_unknown_action_type_is_invalid(action: str) -> None:
    # Given an ActionType outside the schema's Refund and Cancel
    data = envelope(message("1", action=action))

    # When it is parsed
    records = parse(data)

    # Then the message is invalid, naming the value
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"ActionType '{action}' is neither Refund nor Cancel.",
            ORDER,
        )
    ]


def test_an_adjustment_without_items_is_invalid() -> None:
    # Given an OrderAdjustment that names the order and nothing else
    data = envelope(message("1", items=""))

    # When it is parsed
    records = parse(data)

    # Then it is invalid
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            "The OrderAdjustment has no AdjustedItem; it adjusts at least one item.",
            ORDER,
        )
    ]


# --- items -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "description"),
    [
        (
            "1234567890123",
            "AdjustedItem 1: AmazonOrderItemCode '1234567890123' is not an order item id of 14 "
            "digits.",
        ),
        ("", "AdjustedItem 1: AmazonOrderItemCode is empty."),
        (None, "AdjustedItem 1: AmazonOrderItemCode is missing."),
    ],
)
def test_a_bad_or_missing_item_code_is_invalid(code: str | None, description: str) -> None:
    # Given an item code that is not 14 digits, or none
    data = envelope(message("1", items=item(code)))

    # When it is parsed
    records = parse(data)

    # Then the item code is invalid
    assert records == [RecordError(1, MessageProblem.INVALID_ITEM_CODE, description, ORDER)]


def test_an_item_with_only_a_merchant_item_id_is_not_supported() -> None:
    # Given an AdjustedItem named only by the seller's item id
    data = envelope(
        message("1", items=item(None, extra="<MerchantOrderItemID>SD-1</MerchantOrderItemID>"))
    )

    # When it is parsed
    records = parse(data)

    # Then it is refused, saying which id is needed
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            "AdjustedItem 1: the item is identified by MerchantOrderItemID only; Seller Desk "
            "identifies items by AmazonOrderItemCode.",
            ORDER,
        )
    ]


@pytest.mark.parametrize(
    ("bad_item", "code", "description"),
    [
        (
            item(key="K" * 101),
            MessageProblem.INVALID_MESSAGE,
            f"MerchantAdjustmentItemID '{'K' * 40}…' is longer than 100 characters.",
        ),
        (
            item(extra=f"<MerchantOrderItemID>{'M' * 101}</MerchantOrderItemID>"),
            MessageProblem.INVALID_MESSAGE,
            f"MerchantOrderItemID '{'M' * 40}…' is longer than 100 characters.",
        ),
        (
            item(reason=None),
            MessageProblem.INVALID_ADJUSTMENT_REASON,
            "AdjustmentReason is missing.",
        ),
        (
            item(reason=""),
            MessageProblem.INVALID_ADJUSTMENT_REASON,
            "AdjustmentReason is empty.",
        ),
        (
            item(reason="noinventory"),
            MessageProblem.INVALID_ADJUSTMENT_REASON,
            "AdjustmentReason 'noinventory' is not an adjustment reason; did you mean NoInventory?",
        ),
        (
            item(reason="BuyerCanceled"),
            MessageProblem.INVALID_ADJUSTMENT_REASON,
            f"AdjustmentReason 'BuyerCanceled' is not an adjustment reason; use one of {REASONS}.",
        ),
        *(
            (
                item(cancelled=quantity),
                MessageProblem.INVALID_QUANTITY,
                f"QuantityCancelled '{quantity}' is not a whole number from 0 to 2147483647.",
            )
            for quantity in ["-1", "1.5", "two", "", "2147483648", "9" * 30]
        ),
        *(
            (
                item(after=f"<Quantity>{quantity}</Quantity>"),
                MessageProblem.INVALID_QUANTITY,
                f"Quantity '{quantity}' is not a whole number from 1 to 2147483647.",
            )
            for quantity in ["0", "-1", "x"]
        ),
        (
            item(components=""),
            MessageProblem.INVALID_MESSAGE,
            "there is nothing to adjust: no ItemPriceAdjustments amount other than 0 and no "
            "QuantityCancelled.",
        ),
        (
            item(components=component(amount="0.00") + component("Tax", "0"), cancelled="0"),
            MessageProblem.INVALID_MESSAGE,
            "there is nothing to adjust: no ItemPriceAdjustments amount other than 0 and no "
            "QuantityCancelled.",
        ),
    ],
)
def test_a_bad_item_field_is_an_error_naming_the_item(
    bad_item: str, code: MessageProblem, description: str
) -> None:
    # Given an AdjustedItem with one unusable element, after a good one
    data = envelope(message("1", items=item(OTHER_ITEM) + bad_item))

    # When it is parsed
    records = parse(data)

    # Then the message is refused, naming the item by position and code
    assert records == [item_error(code, description, number=2)]


@pytest.mark.parametrize("container", ["PromotionAdjustments", "DirectPaymentAdjustments"])
def test_promotion_and_direct_payment_adjustments_are_unsupported(container: str) -> None:
    # Given an item that adjusts a promotion or a direct payment, with content of its own
    after = (
        f"<{container}><PromotionClaimCode>SPRING</PromotionClaimCode><Component>"
        f'<DirectPaymentType>Gift card</DirectPaymentType><Amount currency="SEK">-5.00</Amount>'
        f"</Component></{container}>"
    )
    data = envelope(message("1", items=item(after=after)))

    # When it is parsed
    records = parse(data)

    # Then the item is refused as a whole, whatever the container holds
    assert records == [
        item_error(
            MessageProblem.UNSUPPORTED_COMPONENT,
            f"{container} is given, but Seller Desk refunds no promotions or direct payments.",
        )
    ]


def test_the_same_item_twice_in_a_message_is_invalid() -> None:
    # Given two AdjustedItems with one item code
    data = envelope(message("1", items=item(ITEM) + item(ITEM)))

    # When it is parsed
    records = parse(data)

    # Then the ambiguity is refused
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"AdjustedItem 2: AmazonOrderItemCode {ITEM} appears in an earlier AdjustedItem of "
            "this message.",
            ORDER,
            ITEM,
        )
    ]


def test_more_than_a_thousand_items_is_invalid() -> None:
    # Given a message with 1,001 items
    items = "".join(item(f"{n:014d}") for n in range(1, 1002))
    data = envelope(message("1", items=items))

    # When it is parsed
    records = parse(data)

    # Then the message is refused
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            "The message has more than 1000 AdjustedItem elements.",
            ORDER,
        )
    ]


# --- components and amounts --------------------------------------------------------------------

REFUNDED = "Principal, Shipping, Tax, ShippingTax less a RestockingFee"


@pytest.mark.parametrize(
    ("components", "code", "description"),
    [
        *(
            (
                component(kind),
                MessageProblem.UNSUPPORTED_COMPONENT,
                f"Component Type {kind} is nothing Seller Desk charges for; it refunds {REFUNDED}.",
            )
            for kind in ["GiftWrap", "RestockingFeeTax", "Goodwill", "ReturnShipping", "COD"]
        ),
        (
            component("Discount"),
            MessageProblem.INVALID_MESSAGE,
            f"Component Type 'Discount' is not a component type; Seller Desk refunds {REFUNDED}.",
        ),
        (
            component("principal"),
            MessageProblem.INVALID_MESSAGE,
            f"Component Type 'principal' is not a component type; Seller Desk refunds {REFUNDED}.",
        ),
        (
            '<Component><Amount currency="SEK">1.00</Amount></Component>',
            MessageProblem.INVALID_MESSAGE,
            "A Component has no Type.",
        ),
        (
            component() + component("Shipping") + component(amount="5.00"),
            MessageProblem.INVALID_MESSAGE,
            "Component Type Principal appears twice in ItemPriceAdjustments.",
        ),
        (
            "<Component><Type>Principal</Type></Component>",
            MessageProblem.INVALID_AMOUNT,
            "Principal Amount is missing.",
        ),
        (
            component(amount="10.005"),
            MessageProblem.INVALID_AMOUNT,
            "Principal Amount '10.005' has more than two decimals.",
        ),
        (
            component("Shipping", "49,00"),
            MessageProblem.INVALID_AMOUNT,
            "Shipping Amount '49,00' is not an amount: write it with a point and no commas, "
            "like 12.50.",
        ),
        (
            component("Tax", "12 kr"),
            MessageProblem.INVALID_AMOUNT,
            "Tax Amount '12 kr' is not an amount like 12.50.",
        ),
        (
            component(amount=""),
            MessageProblem.INVALID_AMOUNT,
            "Principal Amount is empty.",
        ),
        (
            component(amount="12345678901"),
            MessageProblem.INVALID_AMOUNT,
            "Principal Amount '12345678901' is not an amount like 12.50.",
        ),
        (
            component(currency=None),
            MessageProblem.INVALID_AMOUNT,
            'Principal Amount 100.00 has no currency; write it like <Amount currency="SEK">'
            "100.00</Amount>.",
        ),
        *(
            (
                component(currency=currency),
                MessageProblem.WRONG_CURRENCY,
                f"Principal Amount currency '{currency}' is not a currency code like SEK.",
            )
            for currency in ["sek", "", "SEKR", " SEK", "kr"]
        ),
        (
            component() + component("Tax", "25.00", "EUR"),
            MessageProblem.WRONG_CURRENCY,
            "The Tax Amount is in EUR but the Principal Amount is in SEK; one adjustment is in "
            "one currency.",
        ),
        *(
            (
                component(kind, "-5.00"),
                MessageProblem.INVALID_AMOUNT,
                f"{kind} Amount -5.00 {NEGATIVE}",
            )
            for kind in ["Principal", "Shipping", "Tax", "ShippingTax"]
        ),
        (
            component() + component("RestockingFee", "10.00"),
            MessageProblem.INVALID_AMOUNT,
            "RestockingFee Amount 10.00 is positive; a restocking fee is charged to the buyer "
            "and is written as a negative amount, like -10.00.",
        ),
    ],
)
def test_a_bad_component_is_an_error_naming_the_item_and_the_value(
    components: str, code: MessageProblem, description: str
) -> None:
    # Given an item whose ItemPriceAdjustments has one problem
    data = envelope(message("1", items=item(components=components)))

    # When it is parsed
    records = parse(data)

    # Then the message is refused with the code of the problem, naming the item and the value
    assert records == [item_error(code, description)]


def test_a_huge_key_or_currency_is_refused_and_not_repeated_in_full() -> None:
    # Given a MerchantAdjustmentItemID of a million characters, and a currency attribute of a
    # million characters
    data = envelope(
        message("1", items=item(key="K" * 1_000_000)),
        message("2", items=item(components=component(currency="S" * 1_000_000))),
    )

    # When it is parsed
    records = parse(data)

    # Then each is refused with a short description
    where = f"AdjustedItem 1 ({ITEM})"
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"{where}: MerchantAdjustmentItemID '{'K' * 40}…' is longer than 100 characters.",
            ORDER,
            ITEM,
        ),
        RecordError(
            2,
            MessageProblem.WRONG_CURRENCY,
            f"{where}: Principal Amount currency '{'S' * 40}…' is not a currency code like SEK.",
            ORDER,
            ITEM,
        ),
    ]


def test_items_in_different_currencies_are_one_wrong_currency() -> None:
    # Given a message whose first item is refunded in SEK, an item without amounts, and an item
    # in EUR
    data = envelope(
        message(
            "1",
            items=item(ITEM)
            + item("32345678901234", reason="NoInventory", components="", cancelled="1")
            + item(OTHER_ITEM, components=component(currency="EUR")),
        )
    )

    # When it is parsed
    records = parse(data)

    # Then the message is refused at the EUR item
    assert records == [
        RecordError(
            1,
            MessageProblem.WRONG_CURRENCY,
            f"AdjustedItem 3 ({OTHER_ITEM}): the amounts are in EUR but those of AdjustedItem 1 "
            "are in SEK; one adjustment is in one currency.",
            ORDER,
            OTHER_ITEM,
        )
    ]


def test_more_components_than_there_are_types_is_invalid() -> None:
    # Given an item with 17 Components, more than the schema has types
    data = envelope(message("1", items=item(components=component() * 17)))

    # When it is parsed
    records = parse(data)

    # Then the message is refused without holding them all
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            "<ItemPriceAdjustments> has more than 16 Component elements; each Type appears at "
            "most once.",
            ORDER,
        )
    ]


@pytest.mark.parametrize(
    ("feed_message", "description"),
    [
        (
            message("1").replace("AdjustmentReason", "AdjustmentReasn"),
            "Unexpected element <AdjustmentReasn> in <AdjustedItem>.",
        ),
        (
            message("1", items=item(after="<SKU>X</SKU>")),
            "Unexpected element <SKU> in <AdjustedItem>.",
        ),
        (
            message("1", extra="<StatusCode>Success</StatusCode>"),
            "Unexpected element <StatusCode> in <OrderAdjustment>.",
        ),
        (
            message("1", items=item(components=component(amount="1<b>0</b>"))),
            "Unexpected element <b> in <Amount>.",
        ),
        (
            message("1", items=item(components="<Amount>1.00</Amount>")),
            "Unexpected element <Amount> in <ItemPriceAdjustments>.",
        ),
        (
            message(
                "1",
                items=item(
                    components="<Component><Type>Principal</Type><Type>Tax</Type>"
                    '<Amount currency="SEK">1</Amount></Component>'
                ),
            ),
            "<Type> appears twice in <Component>.",
        ),
        (
            message(
                "1",
                items=item(
                    after="<ItemPriceAdjustments>" + component("Tax") + "</ItemPriceAdjustments>"
                ),
            ),
            "<ItemPriceAdjustments> appears twice in <AdjustedItem>.",
        ),
        (
            message(
                "1", items=item(cancelled="1", after="<QuantityCancelled>2</QuantityCancelled>")
            ),
            "<QuantityCancelled> appears twice in <AdjustedItem>.",
        ),
        (
            message("1").replace("</OrderAdjustment>", "</OrderAdjustment><OrderAdjustment/>"),
            "<OrderAdjustment> appears twice in <Message>.",
        ),
        (
            message("1", action="Refund").replace(
                "</ActionType>", "</ActionType><ActionType>Cancel</ActionType>"
            ),
            "<ActionType> appears twice in <OrderAdjustment>.",
        ),
    ],
)
def test_an_unexpected_or_repeated_element_is_an_invalid_message(
    feed_message: str, description: str
) -> None:
    # Given a misspelt, foreign, nested or repeated element
    data = envelope(feed_message)

    # When it is parsed
    records = parse(data)

    # Then it is named rather than ignored
    assert records == [RecordError(1, MessageProblem.INVALID_MESSAGE, description, ORDER)]


# --- memory ------------------------------------------------------------------------------------


# --- any input ---------------------------------------------------------------------------------

FRAGMENTS = [
    "<AmazonEnvelope>",
    "</AmazonEnvelope>",
    HEADER,
    "<MessageType>OrderAdjustment</MessageType>",
    "<Message>",
    "</Message>",
    "<MessageID>1</MessageID>",
    "<MessageID>2</MessageID>",
    "<OrderAdjustment>",
    "</OrderAdjustment>",
    f"<AmazonOrderID>{ORDER}</AmazonOrderID>",
    "<AdjustedItem>",
    "</AdjustedItem>",
    f"<AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>",
    "<AdjustmentReason>CustomerReturn</AdjustmentReason>",
    "<ItemPriceAdjustments>",
    "</ItemPriceAdjustments>",
    "<Component>",
    "</Component>",
    "<Type>Principal</Type>",
    "<Type>RestockingFee</Type>",
    '<Amount currency="SEK">10.00</Amount>',
    '<Amount currency="EUR">-1</Amount>',
    "<Amount>5</Amount>",
    "<QuantityCancelled>1</QuantityCancelled>",
    "<PromotionAdjustments>",
    "</PromotionAdjustments>",
    "<!DOCTYPE a>",
    "&amp;",
    "Å",
    "\x00",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.binary(max_size=4))
@settings(max_examples=300, deadline=None)
def test_any_input_gives_records_or_a_rejection_before_the_first_record(
    fragments: list[str], tail: bytes
) -> None:
    # Given any arrangement of feed fragments, perhaps with stray bytes after them
    records = read_order_adjustments(io.BytesIO("".join(fragments).encode() + tail))

    # When it is read to the end
    yielded: list[Adjustment | RecordError] = []
    try:
        yielded.extend(records)
    except FeedRejected:
        # Then a rejection only ever comes before the first record
        assert yielded == []

    # And nothing but records and errors come out; every amount is two-place and not negative,
    # every item adjusts something
    assert all(isinstance(record, Adjustment | RecordError) for record in yielded)
    items = [item for record in yielded if isinstance(record, Adjustment) for item in record.items]
    for adjusted_item in items:
        amounts = (
            adjusted_item.principal,
            adjusted_item.shipping,
            adjusted_item.tax,
            adjusted_item.shipping_tax,
            adjusted_item.restocking_fee,
        )
        assert all(amount >= 0 and amount.as_tuple().exponent == -2 for amount in amounts)
        assert adjusted_item.quantity_cancelled or any(amounts)
