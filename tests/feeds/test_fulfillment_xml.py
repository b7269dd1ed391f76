"""The Order Fulfillment XML feed parser: bytes in, shipment confirmations or errors out."""

import datetime
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.fulfillment import ShipmentConfirmation, ShippedItem
from sellerdesk.feeds.parsers.fulfillment_xml import read_order_fulfillments
from sellerdesk.feeds.parsers.records import FeedRejected, RecordError

ORDER = "203-1234567-7654321"
OTHER_ORDER = "203-7654321-1234567"
ITEM = "12345678901234"
OTHER_ITEM = "22345678901234"
TRACKING = "00370712345678901234"
DATE = "2024-05-03T14:30:00+02:00"
SHIPPED_AT = datetime.datetime(2024, 5, 3, 12, 30, tzinfo=datetime.UTC)
HEADER = (
    "<Header><DocumentVersion>1.01</DocumentVersion>"
    "<MerchantIdentifier>M_SELLERDESK_42</MerchantIdentifier></Header>"
)


def envelope(*messages: str, message_type: str = "OrderFulfillment") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope>'
        f"{HEADER}<MessageType>{message_type}</MessageType>\n"
        + "\n".join(messages)
        + "\n</AmazonEnvelope>\n"
    ).encode()


def element(name: str, value: str | None) -> str:
    return f"<{name}>{value}</{name}>" if value is not None else ""


def fulfillment_data(
    *,
    code: str | None = "PostNord",
    name: str | None = None,
    method: str | None = None,
    tracking: str | None = TRACKING,
) -> str:
    return (
        "<FulfillmentData>"
        + element("CarrierCode", code)
        + element("CarrierName", name)
        + element("ShippingMethod", method)
        + element("ShipperTrackingNumber", tracking)
        + "</FulfillmentData>"
    )


def message(
    message_id: str | None = "1",
    *,
    order: str | None = ORDER,
    date: str | None = DATE,
    data: str | None = None,
    extra: str = "",
    items: str = "",
) -> str:
    parts = [
        element("MessageID", message_id),
        "<OrderFulfillment>",
        element("AmazonOrderID", order),
        extra,
        element("FulfillmentDate", date),
        fulfillment_data() if data is None else data,
        items,
        "</OrderFulfillment>",
    ]
    return f"<Message>{''.join(parts)}</Message>"


def item(code: str = ITEM, *, quantity: str | None = None, extra: str = "") -> str:
    return (
        f"<Item>{element('AmazonOrderItemCode', code)}{extra}{element('Quantity', quantity)}</Item>"
    )


def shipped(
    message_id: int = 1,
    *,
    order: str = ORDER,
    carrier: str = "PostNord",
    method: str = "",
    tracking: str = TRACKING,
    items: tuple[ShippedItem, ...] = (),
    at: datetime.datetime = SHIPPED_AT,
) -> ShipmentConfirmation:
    return ShipmentConfirmation(message_id, order, at, carrier, method, tracking, items)


def parse(data: bytes) -> list[ShipmentConfirmation | RecordError]:
    return list(read_order_fulfillments(io.BytesIO(data)))


def rejection(data: bytes) -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(data)
    return caught.value


# --- accepted messages -------------------------------------------------------------------------


def test_a_message_without_items_ships_the_whole_order() -> None:
    # Given a confirmation with a carrier, tracking number and no Item
    data = envelope(message("1"))

    # When it is parsed
    records = parse(data)

    # Then it confirms every unshipped unit of the order, at the instant given
    assert records == [shipped(1)]
    record = records[0]
    assert isinstance(record, ShipmentConfirmation)
    assert record.fulfillment_date.isoformat() == DATE


def test_items_carry_their_quantity_or_all_that_is_unshipped() -> None:
    # Given two units of one item and all of another, with a shipping method
    data = envelope(
        message(
            "7",
            data=fulfillment_data(method="MyPack Collect"),
            items=item(ITEM, quantity="2") + item(OTHER_ITEM),
        )
    )

    # When it is parsed
    records = parse(data)

    # Then both items are lines of the one confirmation
    assert records == [
        shipped(
            7,
            method="MyPack Collect",
            items=(ShippedItem(ITEM, 2), ShippedItem(OTHER_ITEM, None)),
        )
    ]


@pytest.mark.parametrize(
    ("code", "name", "carrier"),
    [
        ("Other", "Bring", "Bring"),
        ("other", "Bring", "Bring"),
        ("Others", "Bring", "Bring"),
        (None, "Bring", "Bring"),
        ("DHL", None, "DHL"),
        ("DHL", "DHL Freight", "DHL"),
    ],
)
def test_the_carrier_is_the_code_or_the_name(
    code: str | None, name: str | None, carrier: str
) -> None:
    # Given a CarrierCode, a CarrierName, or both
    data = envelope(message("1", data=fulfillment_data(code=code, name=name)))

    # When it is parsed
    records = parse(data)

    # Then the name counts when the code is absent or Other, the code otherwise
    assert records == [shipped(1, carrier=carrier)]


@pytest.mark.parametrize(
    ("date", "iso"),
    [
        ("2024-05-03T14:30:00+02:00", "2024-05-03T14:30:00+02:00"),
        ("2024-05-03T12:30:00Z", "2024-05-03T12:30:00+00:00"),
        ("2024-05-03T12:30:00", "2024-05-03T12:30:00+00:00"),
        ("2024-05-03T07:30:00.1234567-05:00", "2024-05-03T07:30:00.123456-05:00"),
        ("2024-02-29T23:59:59+14:00", "2024-02-29T23:59:59+14:00"),
    ],
)
def test_a_fulfillment_date_keeps_its_offset_and_without_one_is_utc(date: str, iso: str) -> None:
    # Given a FulfillmentDate with an offset, with Z, without either, with a long fraction
    data = envelope(message("1", date=date))

    # When it is parsed
    records = parse(data)

    # Then the date is aware, keeps its offset, and an unzoned date is UTC
    record = records[0]
    assert isinstance(record, ShipmentConfirmation)
    assert record.fulfillment_date.isoformat() == iso


def test_messages_come_out_in_document_order_and_errors_do_not_stop_the_rest() -> None:
    # Given three messages, the middle one without a tracking number
    data = envelope(
        message("1"),
        message("2", data=fulfillment_data(tracking=None)),
        message("3", order=OTHER_ORDER),
    )

    # When the feed is parsed
    records = parse(data)

    # Then each message gives one result, in order
    assert records == [
        shipped(1),
        RecordError(2, MessageProblem.INVALID_MESSAGE, "ShipperTrackingNumber is missing.", ORDER),
        shipped(3, order=OTHER_ORDER),
    ]


def test_a_namespaced_indented_feed_with_every_optional_element_is_read() -> None:
    # Given a pretty-printed feed with a default namespace, xsi attributes, OperationType,
    # MerchantFulfillmentID and the items' optional elements
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns="http://www.amazon.com/merchants/feeds"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header>
    <DocumentVersion>1.01</DocumentVersion>
    <MerchantIdentifier>M_SELLERDESK_42</MerchantIdentifier>
  </Header>
  <MessageType>OrderFulfillment</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <OperationType>Update</OperationType>
    <OrderFulfillment>
      <AmazonOrderID>{ORDER}</AmazonOrderID>
      <MerchantOrderID>SD-1001</MerchantOrderID>
      <MerchantFulfillmentID>1234567</MerchantFulfillmentID>
      <FulfillmentDate>
        {DATE}
      </FulfillmentDate>
      <FulfillmentData>
        <CarrierCode>Other</CarrierCode>
        <CarrierName>Bring</CarrierName>
        <ShippingMethod>Home delivery</ShippingMethod>
        <ShipperTrackingNumber>{TRACKING}</ShipperTrackingNumber>
      </FulfillmentData>
      <Item>
        <AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>
        <MerchantOrderItemID>SD-1001-1</MerchantOrderItemID>
        <MerchantFulfillmentItemID>1</MerchantFulfillmentItemID>
        <Quantity>1</Quantity>
      </Item>
    </OrderFulfillment>
  </Message>
</AmazonEnvelope>
""".encode()

    # When it is parsed
    records = parse(data)

    # Then namespaces, indentation and the optional elements make no difference
    assert records == [
        shipped(1, carrier="Bring", method="Home delivery", items=(ShippedItem(ITEM, 1),))
    ]


def test_a_prefixed_envelope_is_read() -> None:
    # Given a feed whose elements carry a namespace prefix
    data = (
        b'<amzn:AmazonEnvelope xmlns:amzn="urn:amzn"><amzn:Header>'
        b"<amzn:DocumentVersion>1.01</amzn:DocumentVersion>"
        b"<amzn:MerchantIdentifier>M</amzn:MerchantIdentifier></amzn:Header>"
        b"<amzn:MessageType>OrderFulfillment</amzn:MessageType>"
        b"<amzn:Message><amzn:MessageID>1</amzn:MessageID><amzn:OrderFulfillment>"
        b"<amzn:AmazonOrderID>203-1234567-7654321</amzn:AmazonOrderID>"
        b"<amzn:FulfillmentDate>2024-05-03T12:30:00Z</amzn:FulfillmentDate>"
        b"<amzn:FulfillmentData><amzn:CarrierCode>PostNord</amzn:CarrierCode>"
        b"<amzn:ShipperTrackingNumber>00370712345678901234</amzn:ShipperTrackingNumber>"
        b"</amzn:FulfillmentData></amzn:OrderFulfillment></amzn:Message></amzn:AmazonEnvelope>"
    )

    # When it is parsed
    records = parse(data)

    # Then local names are what count
    assert records == [shipped(1)]


def test_a_windows_1252_declaration_is_honoured() -> None:
    # Given a feed declared and encoded as Windows-1252, with a Swedish carrier name
    data = envelope(message("1", data=fulfillment_data(code="Other", name="Åkeri Öst"))).replace(
        b"UTF-8", b"windows-1252"
    )
    data = data.decode().encode("cp1252")

    # When it is parsed
    records = parse(data)

    # Then the text is decoded as declared
    assert records == [shipped(1, carrier="Åkeri Öst")]


def test_empty_optional_elements_are_absent() -> None:
    # Given empty ShippingMethod, CarrierName and MerchantFulfillmentID elements
    data = envelope(
        message(
            "1",
            extra="<MerchantFulfillmentID/>",
            data="<FulfillmentData><CarrierCode>PostNord</CarrierCode><CarrierName/>"
            f"<ShippingMethod/><ShipperTrackingNumber>{TRACKING}</ShipperTrackingNumber>"
            "</FulfillmentData>",
        )
    )

    # When it is parsed
    records = parse(data)

    # Then they count as absent and the shipping method is ""
    assert records == [shipped(1)]


def test_texts_of_100_characters_are_accepted() -> None:
    # Given a carrier name, shipping method and tracking number at the limit
    data = envelope(
        message(
            "1",
            data=fulfillment_data(
                code="Other", name="C" * 100, method="M" * 100, tracking="T" * 100
            ),
        )
    )

    # When it is parsed
    records = parse(data)

    # Then they are kept whole
    assert records == [shipped(1, carrier="C" * 100, method="M" * 100, tracking="T" * 100)]


# --- whole-file problems -----------------------------------------------------------------------


# --- per-message problems ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "description"),
    [
        (None, "FulfillmentDate is missing."),
        ("", "FulfillmentDate is empty."),
        *(
            (
                date,
                f"FulfillmentDate '{date}' is not a date and time like 2024-05-03T14:30:00+02:00.",
            )
            for date in [
                "2024-05-03",
                "2024-05-03 14:30:00",
                "2024-05-03T14:30",
                "03/05/2024 14:30",
                "2024-02-30T10:00:00Z",
                "2024-05-03T24:00:00Z",
                "2024-05-03T14:30:60Z",
                "2024-05-03T14:30:00+15:00",
                "2024-05-03T14:30:00+02:60",
                "2024-05-03T14:30:00+0200",
                "２０２４-05-03T14:30:00Z",
                "yesterday",
            ]
        ),
        (
            "1999-12-31T23:59:59Z",
            "FulfillmentDate '1999-12-31T23:59:59Z' is not between the years 2000 and 2099.",
        ),
        (
            "2100-01-01T00:00:00+14:00",
            "FulfillmentDate '2100-01-01T00:00:00+14:00' is not between the years 2000 and 2099.",
        ),
    ],
)
def test_a_bad_fulfillment_date_is_invalid(date: str | None, description: str) -> None:
    # Given a missing, empty, misshapen, impossible or implausible FulfillmentDate
    data = envelope(message("1", date=date))

    # When it is parsed
    records = parse(data)

    # Then the message is invalid, naming the value
    assert records == [RecordError(1, MessageProblem.INVALID_MESSAGE, description, ORDER)]


@pytest.mark.parametrize(
    ("data", "description"),
    [
        (
            "",
            "FulfillmentData is missing; it names the carrier and the ShipperTrackingNumber.",
        ),
        (
            fulfillment_data(code=None),
            "Neither CarrierCode nor CarrierName is given; one of them names the carrier.",
        ),
        (
            fulfillment_data(code="", name=""),
            "Neither CarrierCode nor CarrierName is given; one of them names the carrier.",
        ),
        (
            fulfillment_data(code="Other"),
            "CarrierCode is Other but CarrierName is missing; it names the carrier.",
        ),
        (fulfillment_data(tracking=None), "ShipperTrackingNumber is missing."),
        (fulfillment_data(tracking=""), "ShipperTrackingNumber is empty."),
        (fulfillment_data(tracking="   "), "ShipperTrackingNumber is empty."),
        (
            fulfillment_data(tracking="T" * 101),
            f"ShipperTrackingNumber '{'T' * 40}…' is longer than 100 characters.",
        ),
        (
            fulfillment_data(tracking="0037&#10;0712"),
            "ShipperTrackingNumber contains the control character 0x0a at position 5.",
        ),
        (
            fulfillment_data(tracking="0037&#127;0712"),
            "ShipperTrackingNumber contains the control character 0x7f at position 5.",
        ),
        (
            fulfillment_data(code="P" * 101),
            f"CarrierCode '{'P' * 40}…' is longer than 100 characters.",
        ),
        (
            fulfillment_data(code="Other", name="Bring\tCargo"),
            "CarrierName contains the control character 0x09 at position 6.",
        ),
        (
            fulfillment_data(method="M" * 101),
            f"ShippingMethod '{'M' * 40}…' is longer than 100 characters.",
        ),
    ],
)
def test_a_missing_or_unusable_carrier_or_tracking_number_is_invalid(
    data: str, description: str
) -> None:
    # Given FulfillmentData that lacks the carrier or tracking number, or has unusable text
    feed = envelope(message("1", data=data))

    # When it is parsed
    records = parse(feed)

    # Then the message is invalid with a description of exactly what is wrong
    assert records == [RecordError(1, MessageProblem.INVALID_MESSAGE, description, ORDER)]


def test_a_huge_tracking_number_is_refused_and_not_repeated_in_full() -> None:
    # Given a tracking number of a million characters
    data = envelope(message("1", data=fulfillment_data(tracking="9" * 1_000_000)))

    # When it is parsed
    records = parse(data)

    # Then it is refused with a short description
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"ShipperTrackingNumber '{'9' * 40}…' is longer than 100 characters.",
            ORDER,
        )
    ]


@pytest.mark.parametrize(
    ("code", "description"),
    [
        (
            "1234567890123",
            "Item 1: AmazonOrderItemCode '1234567890123' is not an order item id of 14 digits.",
        ),
        (
            "1234567890123X",
            "Item 1: AmazonOrderItemCode '1234567890123X' is not an order item id of 14 digits.",
        ),
        ("", "Item 1: AmazonOrderItemCode is empty."),
    ],
)
def test_a_bad_item_code_is_invalid(code: str, description: str) -> None:
    # Given an item code that is not 14 digits
    data = envelope(message("1", items=item(code)))

    # When it is parsed
    records = parse(data)

    # Then the item code is invalid
    assert records == [RecordError(1, MessageProblem.INVALID_ITEM_CODE, description, ORDER)]


def test_an_item_without_code_is_invalid() -> None:
    # Given an Item with only a quantity
    data = envelope(message("1", items="<Item><Quantity>1</Quantity></Item>"))

    # When it is parsed
    records = parse(data)

    # Then the missing code is reported
    assert records == [
        RecordError(
            1, MessageProblem.INVALID_ITEM_CODE, "Item 1: AmazonOrderItemCode is missing.", ORDER
        )
    ]


def test_an_item_with_only_a_merchant_item_id_is_not_supported() -> None:
    # Given an Item named only by the seller's item id
    data = envelope(
        message("1", items="<Item><MerchantOrderItemID>SD-1</MerchantOrderItemID></Item>")
    )

    # When it is parsed
    records = parse(data)

    # Then it is refused, saying which id is needed
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            "Item 1: the item is identified by MerchantOrderItemID only; Seller Desk identifies "
            "items by AmazonOrderItemCode.",
            ORDER,
        )
    ]


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "two", "", "2147483648", "9" * 30])
def test_a_bad_quantity_is_invalid(quantity: str) -> None:
    # Given a quantity that is zero, negative, fractional, not a number, empty or huge
    data = envelope(message("1", items=item(OTHER_ITEM) + item(quantity=quantity)))

    # When it is parsed
    records = parse(data)

    # Then the quantity is invalid, naming the item
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_QUANTITY,
            f"Item 2 ({ITEM}): Quantity '{quantity}' is not a whole number from 1 to 2147483647.",
            ORDER,
            ITEM,
        )
    ]


@pytest.mark.parametrize(
    ("extra", "item_extra", "description"),
    [
        (
            "<MerchantFulfillmentID>0</MerchantFulfillmentID>",
            "",
            "MerchantFulfillmentID '0' is not a positive whole number of 1 to 20 digits.",
        ),
        (
            "<MerchantFulfillmentID>SHIP-1</MerchantFulfillmentID>",
            "",
            "MerchantFulfillmentID 'SHIP-1' is not a positive whole number of 1 to 20 digits.",
        ),
        (
            "",
            "<MerchantFulfillmentItemID>1-1</MerchantFulfillmentItemID>",
            f"Item 1 ({ITEM}): MerchantFulfillmentItemID '1-1' is not a positive whole number "
            "of 1 to 20 digits.",
        ),
        (
            f"<MerchantOrderID>{'A' * 101}</MerchantOrderID>",
            "",
            f"MerchantOrderID '{'A' * 40}…' is longer than 100 characters.",
        ),
    ],
)
def test_a_bad_merchant_id_is_invalid(extra: str, item_extra: str, description: str) -> None:
    # Given a seller's id that the schema does not allow
    data = envelope(message("1", extra=extra, items=item(extra=item_extra)))

    # When it is parsed
    records = parse(data)

    # Then the message is invalid
    item_code = ITEM if item_extra else None
    assert records == [
        RecordError(1, MessageProblem.INVALID_MESSAGE, description, ORDER, item_code)
    ]


def test_the_same_item_twice_in_a_message_is_invalid() -> None:
    # Given two Items with one item code
    data = envelope(message("1", items=item(ITEM, quantity="1") + item(ITEM, quantity="1")))

    # When it is parsed
    records = parse(data)

    # Then the ambiguity is refused
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"Item 2: AmazonOrderItemCode {ITEM} appears in an earlier Item of this message.",
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
            "The message has more than 1000 Item elements.",
            ORDER,
        )
    ]


@pytest.mark.parametrize(
    ("feed_message", "description"),
    [
        (
            message("1", data=fulfillment_data().replace("CarrierCode", "CarrierKode")),
            "Unexpected element <CarrierKode> in <FulfillmentData>.",
        ),
        (
            message("1", items=item(extra="<SKU>X</SKU>")),
            "Unexpected element <SKU> in <Item>.",
        ),
        (
            message("1", extra="<StatusCode>Success</StatusCode>"),
            "Unexpected element <StatusCode> in <OrderFulfillment>.",
        ),
        (
            message("1", data=fulfillment_data(code="PostNord<b>x</b>")),
            "Unexpected element <b> in <CarrierCode>.",
        ),
        (
            message("1", data=fulfillment_data() + fulfillment_data()),
            "<FulfillmentData> appears twice in <OrderFulfillment>.",
        ),
        (
            message("1", extra=f"<FulfillmentDate>{DATE}</FulfillmentDate>"),
            "<FulfillmentDate> appears twice in <OrderFulfillment>.",
        ),
        (
            message(
                "1",
                data=fulfillment_data(tracking="1</ShipperTrackingNumber><ShipperTrackingNumber>2"),
            ),
            "<ShipperTrackingNumber> appears twice in <FulfillmentData>.",
        ),
        (
            message("1", items=item(quantity="1", extra="<Quantity>2</Quantity>")),
            "<Quantity> appears twice in <Item>.",
        ),
        (
            message("1").replace("</OrderFulfillment>", "</OrderFulfillment><OrderFulfillment/>"),
            "<OrderFulfillment> appears twice in <Message>.",
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
    "<MessageType>OrderFulfillment</MessageType>",
    "<Message>",
    "</Message>",
    "<MessageID>1</MessageID>",
    "<MessageID>2</MessageID>",
    "<OrderFulfillment>",
    "</OrderFulfillment>",
    f"<AmazonOrderID>{ORDER}</AmazonOrderID>",
    f"<FulfillmentDate>{DATE}</FulfillmentDate>",
    "<FulfillmentDate>2024-05-03</FulfillmentDate>",
    "<FulfillmentData>",
    "</FulfillmentData>",
    "<CarrierCode>Other</CarrierCode>",
    "<CarrierName>Bring</CarrierName>",
    f"<ShipperTrackingNumber>{TRACKING}</ShipperTrackingNumber>",
    "<Item>",
    "</Item>",
    f"<AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>",
    "<Quantity>2</Quantity>",
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
    records = read_order_fulfillments(io.BytesIO("".join(fragments).encode() + tail))

    # When it is read to the end
    yielded: list[ShipmentConfirmation | RecordError] = []
    try:
        yielded.extend(records)
    except FeedRejected:
        # Then a rejection only ever comes before the first record
        assert yielded == []

    # And nothing but records and errors come out, every date aware
    assert all(isinstance(record, ShipmentConfirmation | RecordError) for record in yielded)
    assert all(
        record.fulfillment_date.tzinfo is not None
        for record in yielded
        if isinstance(record, ShipmentConfirmation)
    )
