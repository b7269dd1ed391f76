"""The Order Acknowledgement XML feed parser: bytes in, records or per-message errors out."""

import io
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers import (
    Acknowledgement,
    CancelLine,
    FeedRejected,
    RecordError,
    read_order_acknowledgements,
)

SAMPLES = Path(__file__).parent / "samples"
ORDER = "203-1234567-7654321"
OTHER_ORDER = "203-7654321-1234567"
ITEM = "12345678901234"
OTHER_ITEM = "22345678901234"
HEADER = (
    "<Header><DocumentVersion>1.01</DocumentVersion>"
    "<MerchantIdentifier>M_SELLERDESK_42</MerchantIdentifier></Header>"
)


def envelope(*messages: str, message_type: str = "OrderAcknowledgement") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope>'
        f"{HEADER}<MessageType>{message_type}</MessageType>\n"
        + "\n".join(messages)
        + "\n</AmazonEnvelope>\n"
    ).encode()


def message(
    message_id: str | None = "1",
    *,
    order: str | None = ORDER,
    status: str | None = "Failure",
    extra: str = "",
    items: str = "",
) -> str:
    parts = [
        f"<MessageID>{message_id}</MessageID>" if message_id is not None else "",
        "<OrderAcknowledgement>",
        f"<AmazonOrderID>{order}</AmazonOrderID>" if order is not None else "",
        extra,
        f"<StatusCode>{status}</StatusCode>" if status is not None else "",
        items,
        "</OrderAcknowledgement>",
    ]
    return f"<Message>{''.join(parts)}</Message>"


def item(code: str = ITEM, *, reason: str | None = None, quantity: str | None = None) -> str:
    reason_element = f"<CancelReason>{reason}</CancelReason>" if reason is not None else ""
    quantity_element = f"<Quantity>{quantity}</Quantity>" if quantity is not None else ""
    return (
        f"<Item><AmazonOrderItemCode>{code}</AmazonOrderItemCode>"
        f"{reason_element}{quantity_element}</Item>"
    )


def parse(data: bytes) -> list[Acknowledgement | RecordError]:
    return list(read_order_acknowledgements(io.BytesIO(data)))


def rejection(data: bytes) -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(data)
    return caught.value


# --- accepted messages -------------------------------------------------------------------------


def test_a_failure_without_items_cancels_the_whole_order() -> None:
    # Given a Failure acknowledgement with no Item
    data = envelope(message("1"))

    # When it is parsed
    records = parse(data)

    # Then it is one whole-order acknowledgement
    assert records == [Acknowledgement(1, ORDER, "Failure", None, None, ())]


def test_an_item_failure_carries_its_reason_and_quantity() -> None:
    # Given a Failure that cancels two units of one item and all of another without a reason
    data = envelope(
        message("7", items=item(ITEM, reason="NoInventory", quantity="2") + item(OTHER_ITEM))
    )

    # When it is parsed
    records = parse(data)

    # Then both items are lines of the one acknowledgement
    assert records == [
        Acknowledgement(
            7,
            ORDER,
            "Failure",
            None,
            None,
            (CancelLine(ITEM, "NoInventory", 2), CancelLine(OTHER_ITEM, None, None)),
        )
    ]


def test_a_success_keeps_the_merchant_order_id() -> None:
    # Given a Success with the seller's own order id
    data = envelope(
        message("3", status="Success", extra="<MerchantOrderID>SD-1001</MerchantOrderID>")
    )

    # When it is parsed
    records = parse(data)

    # Then the merchant order id is kept
    assert records == [Acknowledgement(3, ORDER, "Success", "SD-1001", None, ())]


def test_messages_come_out_in_document_order_and_errors_do_not_stop_the_rest() -> None:
    # Given three messages, the middle one with a bad order id
    data = envelope(
        message("1"),
        message("2", order="203-123"),
        message("3", order=OTHER_ORDER, status="Success"),
    )

    # When the feed is parsed
    records = parse(data)

    # Then each message gives one result, in order
    assert records == [
        Acknowledgement(1, ORDER, "Failure", None, None, ()),
        RecordError(
            2,
            MessageProblem.INVALID_ORDER_ID,
            "AmazonOrderID '203-123' is not an order id like 123-1234567-1234567.",
        ),
        Acknowledgement(3, OTHER_ORDER, "Success", None, None, ()),
    ]


def test_a_namespaced_indented_feed_with_xsi_attributes_is_read() -> None:
    # Given a pretty-printed feed with a default namespace and xsi attributes on the root
    data = (SAMPLES / "order_acknowledgement.xml").read_bytes()

    # When it is parsed
    records = parse(data)

    # Then namespaces and indentation make no difference
    assert records == [
        Acknowledgement(1, ORDER, "Success", "SD-1001", None, (CancelLine(ITEM, None, None),)),
        Acknowledgement(
            2,
            OTHER_ORDER,
            "Failure",
            None,
            None,
            (
                CancelLine(OTHER_ITEM, "NoInventory", 1),
                CancelLine("32345678901234", "BuyerCanceled", None),
            ),
        ),
    ]


def test_a_prefixed_envelope_is_read() -> None:
    # Given a feed whose elements carry a namespace prefix
    data = (
        b'<amzn:AmazonEnvelope xmlns:amzn="urn:amzn"><amzn:Header>'
        b"<amzn:DocumentVersion>1.01</amzn:DocumentVersion>"
        b"<amzn:MerchantIdentifier>M</amzn:MerchantIdentifier></amzn:Header>"
        b"<amzn:MessageType>OrderAcknowledgement</amzn:MessageType>"
        b"<amzn:Message><amzn:MessageID>1</amzn:MessageID><amzn:OrderAcknowledgement>"
        b"<amzn:AmazonOrderID>203-1234567-7654321</amzn:AmazonOrderID>"
        b"<amzn:StatusCode>Failure</amzn:StatusCode>"
        b"</amzn:OrderAcknowledgement></amzn:Message></amzn:AmazonEnvelope>"
    )

    # When it is parsed
    records = parse(data)

    # Then local names are what count
    assert records == [Acknowledgement(1, ORDER, "Failure", None, None, ())]


def test_a_windows_1252_declaration_is_honoured() -> None:
    # Given a feed declared and encoded as Windows-1252
    data = envelope(
        message("1", status="Success", extra="<MerchantOrderID>Åsa-1</MerchantOrderID>")
    ).replace(b"UTF-8", b"windows-1252")
    data = data.decode().encode("cp1252")

    # When it is parsed
    records = parse(data)

    # Then the text is decoded as declared
    assert records == [Acknowledgement(1, ORDER, "Success", "Åsa-1", None, ())]


def test_an_empty_merchant_order_id_is_absent_and_operation_type_is_accepted() -> None:
    # Given an empty optional element and an OperationType
    data = envelope(
        "<Message><MessageID>1</MessageID><OperationType>Update</OperationType>"
        f"<OrderAcknowledgement><AmazonOrderID>{ORDER}</AmazonOrderID><MerchantOrderID/>"
        "<StatusCode>Success</StatusCode></OrderAcknowledgement></Message>"
    )

    # When it is parsed
    records = parse(data)

    # Then the empty element counts as absent
    assert records == [Acknowledgement(1, ORDER, "Success", None, None, ())]


def test_text_in_pieces_is_read_as_one_value() -> None:
    # Given a MerchantOrderID split by a comment, a CDATA section and character references
    data = envelope(
        message(
            "1",
            status="Success",
            extra="<MerchantOrderID> SD-<!-- x -->1<![CDATA[00]]>&#49;&amp; </MerchantOrderID>",
        )
    )

    # When it is parsed
    records = parse(data)

    # Then the pieces are joined, references resolved and the ends stripped
    assert records == [Acknowledgement(1, ORDER, "Success", "SD-1001&", None, ())]


def test_namespaces_declared_anywhere_are_read_by_local_name() -> None:
    # Given a default namespace on the root, another on a Message and a prefix on an inner element
    data = envelope(
        message("1"),
        message("2").replace("<Message>", '<Message xmlns="urn:other">'),
        message("3")
        .replace("<StatusCode>", '<s:StatusCode xmlns:s="urn:s">')
        .replace("</StatusCode>", "</s:StatusCode>"),
    ).replace(b"<AmazonEnvelope>", b'<AmazonEnvelope xmlns="urn:amzn">')

    # When it is parsed
    records = parse(data)

    # Then every element counts by its local name
    assert records == [
        Acknowledgement(number, ORDER, "Failure", None, None, ()) for number in (1, 2, 3)
    ]


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (" \n" * 500_000 + "SD-1" + " \n" * 500_000, "SD-1"),
        ("A" * 100 + " " * 100_000, "A" * 100),
    ],
)
def test_whitespace_around_a_value_is_stripped_however_long(value: str, kept: str) -> None:
    # Given a MerchantOrderID with up to a million characters of whitespace around it
    data = envelope(
        message("1", status="Success", extra=f"<MerchantOrderID>{value}</MerchantOrderID>")
    )

    # When it is parsed
    records = parse(data)

    # Then only the value is kept
    assert records == [Acknowledgement(1, ORDER, "Success", kept, None, ())]


def test_a_value_continued_after_long_whitespace_is_too_long() -> None:
    # Given 100 characters, 100,000 spaces, then one more character
    value = "A" * 100 + " " * 100_000 + "B"
    data = envelope(message("1", extra=f"<MerchantOrderID>{value}</MerchantOrderID>"))

    # When it is parsed
    records = parse(data)

    # Then the value is longer than 100 characters, as it is
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"MerchantOrderID '{'A' * 40}…' is longer than 100 characters.",
            ORDER,
        )
    ]


# --- whole-file problems -----------------------------------------------------------------------


def test_a_rejection_pickles_with_its_code_and_description() -> None:
    # Given a rejection, as a task runner would store it
    rejected = FeedRejected(FileProblem.EMPTY, "The file is empty.")

    # When it is pickled and restored
    restored = pickle.loads(pickle.dumps(rejected))  # noqa: S301 - our own bytes

    # Then nothing is lost
    assert (restored.code, restored.description) == (FileProblem.EMPTY, "The file is empty.")
    assert str(restored) == "EMPTY (5001): The file is empty."


# --- per-message problems ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (None, "StatusCode is missing."),
        ("Failed", "StatusCode 'Failed' is neither Success nor Failure."),
        ("failure", "StatusCode 'failure' is neither Success nor Failure."),
    ],
)
def test_a_bad_status_code_is_an_invalid_message(status: str | None, description: str) -> None:
    # Given a missing or unknown StatusCode
    data = envelope(message("1", status=status))

    # When it is parsed
    records = parse(data)

    # Then the message is invalid
    assert records == [RecordError(1, MessageProblem.INVALID_MESSAGE, description, ORDER)]


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
    # Given an Item with only a reason
    data = envelope(message("1", items="<Item><CancelReason>NoInventory</CancelReason></Item>"))

    # When it is parsed
    records = parse(data)

    # Then the missing code is reported
    assert records == [
        RecordError(
            1, MessageProblem.INVALID_ITEM_CODE, "Item 1: AmazonOrderItemCode is missing.", ORDER
        )
    ]


def test_an_unknown_cancel_reason_is_invalid() -> None:
    # Given a reason outside the schema's list, on the second item
    data = envelope(message("1", items=item(ITEM) + item(OTHER_ITEM, reason="OutOfStock")))

    # When it is parsed
    records = parse(data)

    # Then the reason and its item are named, with the valid codes
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_REASON,
            f"Item 2 ({OTHER_ITEM}): CancelReason 'OutOfStock' is not a cancellation reason; "
            "use one of BuyerCanceled, CarrierCoverageFailure, CarrierCreditDecision, "
            "CustomerExchange, CustomerReturn, GeneralAdjustment, MerchandiseNotReceived, "
            "NoInventory, PricingError, RiskAssessmentInformationNotValid, "
            "ShippingAddressUndeliverable.",
            ORDER,
            OTHER_ITEM,
        )
    ]


def test_a_miscased_cancel_reason_gets_a_hint() -> None:
    # Given a reason in the wrong case
    data = envelope(message("1", items=item(reason="noinventory")))

    # When it is parsed
    records = parse(data)

    # Then the right spelling is suggested
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_REASON,
            f"Item 1 ({ITEM}): CancelReason 'noinventory' is not a cancellation reason; "
            "did you mean NoInventory?",
            ORDER,
            ITEM,
        )
    ]


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "two", "", "2147483648", "9" * 30])
def test_a_bad_quantity_is_invalid(quantity: str) -> None:
    # Given a quantity that is zero, negative, fractional, not a number, empty or huge
    data = envelope(message("1", items=item(reason="NoInventory", quantity=quantity)))

    # When it is parsed
    records = parse(data)

    # Then the quantity is invalid
    shown = quantity if len(quantity) <= 40 else quantity[:40] + "…"
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_QUANTITY,
            f"Item 1 ({ITEM}): Quantity '{shown}' is not a whole number from 1 to 2147483647.",
            ORDER,
            ITEM,
        )
    ]


def test_a_reason_on_a_success_is_refused() -> None:
    # Given a Success acknowledgement whose item has a CancelReason
    data = envelope(message("1", status="Success", items=item(reason="BuyerCanceled")))

    # When it is parsed
    records = parse(data)

    # Then the reason is refused
    assert records == [
        RecordError(
            1,
            MessageProblem.REASON_WITHOUT_FAILURE,
            f"Item 1 ({ITEM}): CancelReason BuyerCanceled is given but StatusCode is Success; "
            "a reason goes only with Failure.",
            ORDER,
            ITEM,
        )
    ]


def test_an_unexpected_element_is_an_invalid_message() -> None:
    # Given a misspelt element inside an Item
    data = envelope(
        message(
            "1",
            items="<Item><AmazonOrderItemCode>12345678901234</AmazonOrderItemCode>"
            "<CancelReaosn>NoInventory</CancelReaosn></Item>",
        )
    )

    # When it is parsed
    records = parse(data)

    # Then it is named rather than ignored
    assert records == [
        RecordError(
            1, MessageProblem.INVALID_MESSAGE, "Unexpected element <CancelReaosn> in <Item>.", ORDER
        )
    ]


def test_an_element_given_twice_is_an_invalid_message() -> None:
    # Given two StatusCodes in one acknowledgement
    data = envelope(message("1", extra="<StatusCode>Success</StatusCode>"))

    # When it is parsed
    records = parse(data)

    # Then the repetition is reported
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            "<StatusCode> appears twice in <OrderAcknowledgement>.",
            ORDER,
        )
    ]


def test_the_text_before_a_stray_child_is_the_elements_value() -> None:
    # Given a MessageID with a child element between two numbers
    data = envelope(
        message("7").replace("<MessageID>7</MessageID>", "<MessageID>7<Note/>8</MessageID>")
    )

    # When it is parsed
    records = parse(data)

    # Then the text before the child is the id (as ElementTree's text), and the child is refused
    assert records == [
        RecordError(
            7, MessageProblem.INVALID_MESSAGE, "Unexpected element <Note> in <MessageID>.", ORDER
        )
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


def test_a_huge_merchant_order_id_is_refused_and_not_repeated_in_full() -> None:
    # Given a MerchantOrderID of a million characters
    data = envelope(message("1", extra=f"<MerchantOrderID>{'A' * 1_000_000}</MerchantOrderID>"))

    # When it is parsed
    records = parse(data)

    # Then it is refused with a short description
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"MerchantOrderID '{'A' * 40}…' is longer than 100 characters.",
            ORDER,
        )
    ]


def test_a_merchant_order_id_of_100_characters_is_accepted() -> None:
    # Given a MerchantOrderID at the limit
    data = envelope(message("1", extra=f"<MerchantOrderID>{'A' * 100}</MerchantOrderID>"))

    # When it is parsed
    records = parse(data)

    # Then it is kept
    assert records == [Acknowledgement(1, ORDER, "Failure", "A" * 100, None, ())]


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


# --- memory ------------------------------------------------------------------------------------


# --- any input ---------------------------------------------------------------------------------

FRAGMENTS = [
    "<AmazonEnvelope>",
    "</AmazonEnvelope>",
    HEADER,
    "<MessageType>OrderAcknowledgement</MessageType>",
    "<Message>",
    "</Message>",
    "<MessageID>1</MessageID>",
    "<MessageID>2</MessageID>",
    "<OrderAcknowledgement>",
    "</OrderAcknowledgement>",
    f"<AmazonOrderID>{ORDER}</AmazonOrderID>",
    "<StatusCode>Failure</StatusCode>",
    "<StatusCode>Success</StatusCode>",
    "<Item>",
    "</Item>",
    f"<AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>",
    "<CancelReason>NoInventory</CancelReason>",
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
    records = read_order_acknowledgements(io.BytesIO("".join(fragments).encode() + tail))

    # When it is read to the end
    yielded: list[Acknowledgement | RecordError] = []
    try:
        yielded.extend(records)
    except FeedRejected:
        # Then a rejection only ever comes before the first record
        assert yielded == []

    # And nothing but records and errors come out
    assert all(isinstance(record, Acknowledgement | RecordError) for record in yielded)
