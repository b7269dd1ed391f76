"""What every XML feed format shares, run over each of them: the file as a whole (well-formed,
no DTDs or entities, text, the envelope, nesting), the MessageID, the order, and memory."""

import datetime
import io
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pytest

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.acknowledgement_xml import read_order_acknowledgements
from sellerdesk.feeds.parsers.adjustment import ZERO, AdjustedItem, Adjustment
from sellerdesk.feeds.parsers.adjustment_xml import read_order_adjustments
from sellerdesk.feeds.parsers.envelope import MAX_DEPTH
from sellerdesk.feeds.parsers.fulfillment import ShipmentConfirmation
from sellerdesk.feeds.parsers.fulfillment_xml import read_order_fulfillments
from sellerdesk.feeds.parsers.records import Acknowledgement, FeedRejected, RecordError

SAMPLES = Path(__file__).parent / "samples"
ORDER = "203-1234567-7654321"
OTHER_ORDER = "203-7654321-1234567"
ITEM = "12345678901234"
TRACKING = "00370712345678901234"
HEADER = (
    "<Header><DocumentVersion>1.01</DocumentVersion>"
    "<MerchantIdentifier>M_SELLERDESK_42</MerchantIdentifier></Header>"
)
FORBIDDEN = (
    "The file has a document type declaration (<!DOCTYPE …>) or entity declarations; "
    "feeds may not contain DTDs, entities or external references."
)


@dataclass(frozen=True)
class Format:
    message_type: str  # also the element a Message holds
    feed: str  # as descriptions name it
    read: Callable[[BinaryIO], Iterator[object]]
    rest: str  # a valid body's elements after AmazonOrderID
    record: Callable[[int, str], object]  # what message(message_id, order) gives


FORMATS = [
    Format(
        "OrderAcknowledgement",
        "Order Acknowledgement",
        read_order_acknowledgements,
        "<StatusCode>Failure</StatusCode>",
        lambda message_id, order: Acknowledgement(message_id, order, "Failure", None, None, ()),
    ),
    Format(
        "OrderFulfillment",
        "Order Fulfillment",
        read_order_fulfillments,
        "<FulfillmentDate>2024-05-03T14:30:00+02:00</FulfillmentDate><FulfillmentData>"
        f"<CarrierCode>PostNord</CarrierCode><ShipperTrackingNumber>{TRACKING}"
        "</ShipperTrackingNumber></FulfillmentData>",
        lambda message_id, order: ShipmentConfirmation(
            message_id,
            order,
            datetime.datetime(2024, 5, 3, 12, 30, tzinfo=datetime.UTC),
            "PostNord",
            "",
            TRACKING,
            (),
        ),
    ),
    Format(
        "OrderAdjustment",
        "Order Adjustment",
        read_order_adjustments,
        f"<AdjustedItem><AmazonOrderItemCode>{ITEM}</AmazonOrderItemCode>"
        "<AdjustmentReason>CustomerReturn</AdjustmentReason><ItemPriceAdjustments><Component>"
        '<Type>Principal</Type><Amount currency="SEK">100.00</Amount></Component>'
        "</ItemPriceAdjustments></AdjustedItem>",
        lambda message_id, order: Adjustment(
            message_id,
            order,
            (AdjustedItem(ITEM, "CustomerReturn", None, 0, "SEK", Decimal("100.00"), *[ZERO] * 4),),
        ),
    ),
]


@pytest.fixture(params=FORMATS, ids=[each.message_type for each in FORMATS])
def fmt(request: pytest.FixtureRequest) -> Format:
    chosen: Format = request.param
    return chosen


def envelope(fmt: Format, *messages: str, message_type: str | None = None) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope>'
        f"{HEADER}<MessageType>{fmt.message_type if message_type is None else message_type}"
        "</MessageType>\n" + "\n".join(messages) + "\n</AmazonEnvelope>\n"
    ).encode()


def message(
    fmt: Format, message_id: str | None = "1", *, order: str | None = ORDER, extra: str = ""
) -> str:
    """A Message that gives fmt.record(message_id, order); extra goes after AmazonOrderID."""
    parts = [
        f"<MessageID>{message_id}</MessageID>" if message_id is not None else "",
        f"<{fmt.message_type}>",
        f"<AmazonOrderID>{order}</AmazonOrderID>" if order is not None else "",
        extra,
        fmt.rest,
        f"</{fmt.message_type}>",
    ]
    return f"<Message>{''.join(parts)}</Message>"


def parse(fmt: Format, data: bytes) -> list[object]:
    return list(fmt.read(io.BytesIO(data)))


def rejection(fmt: Format, data: bytes) -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(fmt, data)
    return caught.value


def first_record_rejection(fmt: Format, data: bytes) -> FeedRejected:
    records = fmt.read(io.BytesIO(data))
    with pytest.raises(FeedRejected) as caught:
        next(records)
    return caught.value


def nested(fmt: Format, depth: int) -> bytes:
    """A one-message feed whose deepest element is at depth (AmazonEnvelope is 1)."""
    levels = depth - 3  # under AmazonEnvelope, Message and the body element
    inner = "<x>" * levels + "</x>" * levels
    return envelope(fmt, message(fmt, extra=inner))


# --- the file as a whole -----------------------------------------------------------------------


def test_a_utf16_feed_with_a_byte_order_mark_is_read(fmt: Format) -> None:
    # Given a UTF-16 feed, whose bytes include NULs
    data = envelope(fmt, message(fmt)).decode().replace("UTF-8", "UTF-16").encode("utf-16")

    # When it is parsed
    records = parse(fmt, data)

    # Then it is text, not binary data
    assert records == [fmt.record(1, ORDER)]


def test_a_mismatched_tag_is_malformed_with_its_position(fmt: Format) -> None:
    # Given XML whose tags do not match
    data = envelope(fmt, message(fmt)).replace(b"</AmazonOrderID>", b"</AmazonOrder>")

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the feed is rejected, saying where (columns count from 1: the A of </AmazonOrder>)
    column = data.split(b"\n")[2].index(b"</AmazonOrder>") + 3
    assert (rejected.code, rejected.description) == (
        FileProblem.MALFORMED,
        f"The XML is not well-formed: mismatched tag at line 3, column {column}.",
    )


def test_a_file_cut_off_mid_message_is_malformed_before_any_record_is_yielded(
    fmt: Format,
) -> None:
    # Given a feed whose first message is complete and whose second is cut off
    data = envelope(fmt, message(fmt, "1"), message(fmt, "2"))
    data = data[: data.rindex(b"</AmazonOrderID>")]

    # When the first record is asked for
    rejected = first_record_rejection(fmt, data)

    # Then the whole feed is rejected, where the file ends, and nothing was yielded
    last_line = data.split(b"\n")[-1]
    assert (rejected.code, rejected.description) == (
        FileProblem.MALFORMED,
        f"The XML is not well-formed: no element found at line {data.count(b'\n') + 1}, "
        f"column {len(last_line) + 1}. The file seems to be cut short.",
    )


def test_an_undeclared_entity_is_malformed(fmt: Format) -> None:
    # Given a reference to an entity nobody declared
    data = envelope(fmt, message(fmt, extra="<MerchantOrderID>&nope;</MerchantOrderID>"))

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then it is a well-formedness error
    assert rejected.code == FileProblem.MALFORMED
    assert rejected.description.startswith("The XML is not well-formed: undefined entity at line 3")


@pytest.mark.parametrize("other", [1, 2, None], ids=["next-format", "last-format", "empty"])
def test_another_message_type_is_the_wrong_message_type(fmt: Format, other: int | None) -> None:
    # Given a feed of another format's type, or of none
    position = FORMATS.index(fmt)
    message_type = "" if other is None else FORMATS[(position + other) % 3].message_type
    data = envelope(fmt, message(fmt), message_type=message_type)

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the message type is named
    assert (rejected.code, rejected.description) == (
        FileProblem.WRONG_MESSAGE_TYPE,
        f"MessageType is '{message_type}'; this feed takes {fmt.message_type}.",
    )


def test_a_missing_message_type_is_rejected(fmt: Format) -> None:
    # Given an envelope that goes from Header straight to a Message
    data = f"<AmazonEnvelope>{HEADER}{message(fmt)}</AmazonEnvelope>".encode()

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the feed is rejected
    assert (rejected.code, rejected.description) == (
        FileProblem.WRONG_MESSAGE_TYPE,
        "The MessageType is missing before the first Message.",
    )


@pytest.mark.parametrize("sample", ["xxe.xml", "billion_laughs.xml"])
def test_the_sample_attacks_are_forbidden(fmt: Format, sample: str) -> None:
    # Given an XXE attempt on /etc/passwd, or nested entities of a billion "lol"s
    data = (
        (SAMPLES / sample).read_bytes().replace(b"OrderAcknowledgement", fmt.message_type.encode())
    )

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the file is refused without resolving anything
    assert (rejected.code, rejected.description) == (FileProblem.FORBIDDEN_MARKUP, FORBIDDEN)


def test_an_external_entity_is_forbidden(fmt: Format) -> None:
    # Given an XXE attempt that would read /etc/passwd into MerchantOrderID
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE AmazonEnvelope [\n'
        b'  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
        + envelope(fmt, message(fmt, extra="<MerchantOrderID>&secret;</MerchantOrderID>")).split(
            b"\n", 1
        )[1]
    )

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the file is refused without resolving anything
    assert (rejected.code, rejected.description) == (FileProblem.FORBIDDEN_MARKUP, FORBIDDEN)


def test_billion_laughs_in_an_attribute_is_forbidden(fmt: Format) -> None:
    # Given nested entities that would expand to a billion "lol"s in an attribute
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1 or ''};" * 10}">' for n in range(1, 10)
    )
    data = f'<?xml version="1.0"?>\n<!DOCTYPE AmazonEnvelope [{entities}]>\n'.encode() + envelope(
        fmt, message(fmt)
    ).split(b"\n", 1)[1].replace(b"<AmazonEnvelope>", b'<AmazonEnvelope note="&lol9;">')
    assert b'<!ENTITY lol9 "&lol8;&lol8;' in data

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the file is refused
    assert rejected.code == FileProblem.FORBIDDEN_MARKUP


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE AmazonEnvelope SYSTEM "amzn-envelope.dtd">',
        b"<!--" + b"x" * 100_000 + b"-->\n<!DOCTYPE AmazonEnvelope>",
        b"<!--" + b"x" * 100_000 + b"-->\n"
        b'<!DOCTYPE AmazonEnvelope [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/d"> %remote;]>',
        b"<!--" + b"x" * 100_000 + b"-->\n"
        b'<!DOCTYPE AmazonEnvelope [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["alone", "after-a-long-comment", "parameter-entity", "external-entity"],
)
def test_a_doctype_is_forbidden_wherever_it_comes(fmt: Format, declaration: bytes) -> None:
    # Given a DTD, alone or only after 100,000 characters of comment, well past the first read
    data = envelope(fmt, message(fmt)).replace(
        b"<AmazonEnvelope>", declaration + b"\n<AmazonEnvelope>"
    )

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then DTDs are refused as such
    assert (rejected.code, rejected.description) == (FileProblem.FORBIDDEN_MARKUP, FORBIDDEN)


def test_an_undeclared_entity_in_an_attribute_is_malformed(fmt: Format) -> None:
    # Given an entity reference nobody declared, in an attribute of the root
    data = envelope(fmt, message(fmt)).replace(
        b"<AmazonEnvelope>", b'<AmazonEnvelope note="&nope;">'
    )

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then it is a well-formedness error, not something resolved or skipped
    assert (rejected.code, rejected.description) == (
        FileProblem.MALFORMED,
        "The XML is not well-formed: undefined entity at line 2, column 1.",
    )


def test_an_unbound_prefix_is_malformed(fmt: Format) -> None:
    # Given elements with a namespace prefix that is never declared
    data = (
        envelope(fmt, message(fmt))
        .replace(b"<AmazonEnvelope>", b"<amzn:AmazonEnvelope>")
        .replace(b"</AmazonEnvelope>", b"</amzn:AmazonEnvelope>")
    )

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the feed is not well-formed XML with namespaces
    assert (rejected.code, rejected.description) == (
        FileProblem.MALFORMED,
        "The XML is not well-formed: unbound prefix at line 2, column 1.",
    )


def test_binary_garbage_is_unreadable(fmt: Format) -> None:
    # Given bytes that are not text
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

    # When they are parsed
    rejected = rejection(fmt, data)

    # Then the file is unreadable, naming the first binary byte
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        "The file is not text: byte 6 is the control character 0x1a. Send the feed as UTF-8 XML.",
    )


def test_a_nul_byte_after_good_messages_is_unreadable_before_any_record(fmt: Format) -> None:
    # Given a good feed followed by a NUL byte
    data = envelope(fmt, message(fmt)) + b"\x00"

    # When the first record is asked for
    rejected = first_record_rejection(fmt, data)

    # Then the file is unreadable and nothing was yielded
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        f"The file is not text: byte {len(data) - 1} is the control character 0x00. "
        "Send the feed as UTF-8 XML.",
    )


def test_an_unknown_declared_encoding_is_unreadable(fmt: Format) -> None:
    # Given an XML declaration naming an encoding nobody knows
    data = envelope(fmt, message(fmt)).replace(b"UTF-8", b"x-no-such-charset")

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the text cannot be read
    assert rejected.code == FileProblem.UNREADABLE_TEXT


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n", b"\xef\xbb\xbf\n"])
def test_an_empty_file_is_empty(fmt: Format, data: bytes) -> None:
    # Given no XML at all (nothing, whitespace, a bare byte-order mark)
    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the feed is empty
    assert (rejected.code, rejected.description) == (FileProblem.EMPTY, "The file is empty.")


def test_an_envelope_without_messages_is_empty(fmt: Format) -> None:
    # Given a correct envelope with no Message
    data = envelope(fmt)

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the feed is empty
    assert (rejected.code, rejected.description) == (FileProblem.EMPTY, "The feed has no Message.")


def test_a_foreign_root_is_the_wrong_envelope(fmt: Format) -> None:
    # Given a document whose root is not AmazonEnvelope
    body = fmt.message_type
    data = f"<{body}><AmazonOrderID>{ORDER}</AmazonOrderID></{body}>".encode()

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the root is named
    assert (rejected.code, rejected.description) == (
        FileProblem.WRONG_ENVELOPE,
        f"The root element is <{body}>; an {fmt.feed} feed is an <AmazonEnvelope>.",
    )


def test_an_envelope_without_header_is_the_wrong_envelope(fmt: Format) -> None:
    # Given an envelope that starts with its MessageType
    data = envelope(fmt, message(fmt)).replace(HEADER.encode(), b"")

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the missing Header is reported
    assert (rejected.code, rejected.description) == (
        FileProblem.WRONG_ENVELOPE,
        "The AmazonEnvelope starts with <MessageType>; it must start with a Header.",
    )


def test_a_header_without_merchant_identifier_is_the_wrong_envelope(fmt: Format) -> None:
    # Given a Header that lacks MerchantIdentifier
    data = envelope(fmt, message(fmt)).replace(
        b"<MerchantIdentifier>M_SELLERDESK_42</MerchantIdentifier>", b""
    )

    # When it is parsed
    rejected = rejection(fmt, data)

    # Then the Header is rejected
    assert (rejected.code, rejected.description) == (
        FileProblem.WRONG_ENVELOPE,
        "The Header lacks MerchantIdentifier.",
    )


@pytest.mark.parametrize("late", [False, True], ids=["between-messages", "after-the-messages"])
def test_an_unknown_envelope_element_is_the_wrong_envelope_before_any_record(
    fmt: Format, late: bool
) -> None:
    # Given a stray element between messages, or after good messages
    stray = "<Note>hi</Note>"
    parts = [message(fmt, "1"), message(fmt, "2"), stray] if late else [message(fmt, "1"), stray]
    data = envelope(fmt, *parts, *([] if late else [message(fmt, "2")]))

    # When the first record is asked for
    rejected = first_record_rejection(fmt, data)

    # Then the element is named and nothing was yielded
    assert (rejected.code, rejected.description) == (
        FileProblem.WRONG_ENVELOPE,
        "Unexpected <Note> in AmazonEnvelope; the envelope holds Header, MessageType, "
        "then Message elements.",
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 200_000])
def test_nesting_deeper_than_the_limit_is_refused_before_any_record(
    fmt: Format, depth: int
) -> None:
    # Given a good message, then one whose elements nest one level too deep, or 200,000 deep
    data = envelope(fmt, message(fmt, "1"), message(fmt, "2"))
    levels = depth - 3  # under AmazonEnvelope, Message and the feed's element
    data = data.replace(
        f"<MessageID>2</MessageID><{fmt.message_type}>".encode(),
        f"<MessageID>2</MessageID><{fmt.message_type}>".encode()
        + b"<x>" * levels
        + b"</x>" * levels,
    )

    # When the first record is asked for
    rejected = first_record_rejection(fmt, data)

    # Then the whole feed is refused, saying where the limit was crossed
    line = data.split(b"\n")[3]
    column = line.index(b"<x>") + 3 * (MAX_DEPTH - 3) + 1
    assert (rejected.code, rejected.description) == (
        FileProblem.NESTED_TOO_DEEP,
        f"Elements are nested more than 32 deep at line 4, column {column}; a feed's "
        "elements nest less than 10 deep.",
    )


def test_nesting_at_the_limit_is_read_as_an_unexpected_element(fmt: Format) -> None:
    # Given a message whose deepest element is exactly at the limit
    data = nested(fmt, MAX_DEPTH)

    # When it is parsed
    records = parse(fmt, data)

    # Then the file is read and only that message is refused, for its stray element
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"Unexpected element <x> in <{fmt.message_type}>.",
            ORDER,
        )
    ]


# --- the MessageID and the order ---------------------------------------------------------------


def test_a_missing_message_id_is_reported_at_the_message_position(fmt: Format) -> None:
    # Given a second message without MessageID
    data = envelope(fmt, message(fmt, "1"), message(fmt, None, order=OTHER_ORDER))

    # When it is parsed
    records = parse(fmt, data)

    # Then its error takes its position as id
    assert records == [
        fmt.record(1, ORDER),
        RecordError(2, MessageProblem.INVALID_MESSAGE, "MessageID is missing.", OTHER_ORDER),
    ]


@pytest.mark.parametrize("value", ["0", "-1", "1.0", "x1", "123456789012345678901", ""])
def test_an_unusable_message_id_is_invalid(fmt: Format, value: str) -> None:
    # Given a MessageID that is not a positive integer of 1-20 digits
    data = envelope(fmt, message(fmt, value))

    # When it is parsed
    records = parse(fmt, data)

    # Then the message is invalid, reported at its position
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"MessageID '{value}' is not a positive whole number of 1 to 20 digits.",
            ORDER,
        )
    ]


def test_a_twenty_digit_message_id_is_accepted(fmt: Format) -> None:
    # Given the longest MessageID the schema allows
    data = envelope(fmt, message(fmt, "99999999999999999999"))

    # When it is parsed
    records = parse(fmt, data)

    # Then it is kept as a number
    assert records == [fmt.record(99999999999999999999, ORDER)]


def test_a_repeated_message_id_is_a_duplicate_and_the_feed_goes_on(fmt: Format) -> None:
    # Given MessageID 5 twice, then another message
    data = envelope(
        fmt,
        message(fmt, "5"),
        message(fmt, "5", order=OTHER_ORDER),
        message(fmt, "6", order=OTHER_ORDER),
    )

    # When it is parsed
    records = parse(fmt, data)

    # Then only the repeat is refused
    assert records == [
        fmt.record(5, ORDER),
        RecordError(
            5,
            MessageProblem.DUPLICATE_MESSAGE,
            "MessageID 5 was already used by an earlier message in this feed.",
            OTHER_ORDER,
        ),
        fmt.record(6, OTHER_ORDER),
    ]


def test_out_of_order_message_ids_are_still_checked_for_duplicates(fmt: Format) -> None:
    # Given ids that do not count up one by one
    ids = ["10", "3", "11", "3", "10"]
    data = envelope(fmt, *(message(fmt, message_id) for message_id in ids))

    # When it is parsed
    codes = [getattr(record, "code", None) for record in parse(fmt, data)]

    # Then each repeat is caught
    assert codes == [
        None,
        None,
        None,
        MessageProblem.DUPLICATE_MESSAGE,
        MessageProblem.DUPLICATE_MESSAGE,
    ]


def test_a_merchant_order_id_alone_is_not_supported(fmt: Format) -> None:
    # Given an order named only by the seller's own id
    data = envelope(
        fmt, message(fmt, order=None, extra="<MerchantOrderID>SD-1001</MerchantOrderID>")
    )

    # When it is parsed
    records = parse(fmt, data)

    # Then it is refused: orders are keyed by AmazonOrderID
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            "The order is identified by MerchantOrderID only; Seller Desk identifies orders by "
            "AmazonOrderID.",
        )
    ]


@pytest.mark.parametrize(
    ("order", "description"),
    [
        (None, "AmazonOrderID is missing."),
        ("", "AmazonOrderID is empty."),
        (
            "2031234567-7654321",
            "AmazonOrderID '2031234567-7654321' is not an order id like 123-1234567-1234567.",
        ),
        (
            "١٢٣-1234567-7654321",
            "AmazonOrderID '١٢٣-1234567-7654321' is not an order id like 123-1234567-1234567.",
        ),
    ],
)
def test_a_bad_order_id_is_invalid(fmt: Format, order: str | None, description: str) -> None:
    # Given a missing, empty, misshapen or non-ASCII-digit order id
    data = envelope(fmt, message(fmt, order=order))

    # When it is parsed
    records = parse(fmt, data)

    # Then the order id is invalid
    assert records == [RecordError(1, MessageProblem.INVALID_ORDER_ID, description)]


def test_a_message_without_its_feed_element_is_invalid(fmt: Format) -> None:
    # Given a Message with only its id
    data = envelope(fmt, "<Message><MessageID>4</MessageID></Message>")

    # When it is parsed
    records = parse(fmt, data)

    # Then it is invalid
    assert records == [
        RecordError(4, MessageProblem.INVALID_MESSAGE, f"The message has no {fmt.message_type}.")
    ]


@pytest.mark.parametrize("operation", ["Cancel", "Ship", "Refund"])
def test_an_unknown_operation_type_is_invalid(fmt: Format, operation: str) -> None:
    # Given an OperationType outside the schema's list
    data = envelope(
        fmt,
        message(fmt).replace(
            f"<{fmt.message_type}>",
            f"<OperationType>{operation}</OperationType><{fmt.message_type}>",
        ),
    )

    # When it is parsed
    records = parse(fmt, data)

    # Then it is invalid
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"OperationType '{operation}' is not Update, Delete or PartialUpdate.",
            ORDER,
        )
    ]


# --- memory ------------------------------------------------------------------------------------


def test_a_hundred_thousand_messages_parse_in_bounded_memory(fmt: Format, tmp_path: Path) -> None:
    # Given a feed of 100,000 messages (20 to 50 MB) on disk
    path = tmp_path / "big.xml"
    with path.open("wb") as out:
        out.write(envelope(fmt).removesuffix(b"</AmazonEnvelope>\n"))
        for message_id in range(1, 100_001):
            out.write(message(fmt, str(message_id)).encode())
        out.write(b"</AmazonEnvelope>\n")

    # When both passes run over it under tracemalloc
    with path.open("rb") as source:
        tracemalloc.start()
        try:
            count = sum(1 for _ in fmt.read(source))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    # Then every message was read while the peak stayed small (measured: about 0.2 MB)
    assert count == 100_000
    assert peak < 5 * 1024 * 1024


def test_a_huge_text_is_capped_as_it_is_read(fmt: Format, tmp_path: Path) -> None:
    # Given a MerchantOrderID of 20 million characters on disk
    path = tmp_path / "huge-text.xml"
    head, tail = envelope(fmt, message(fmt, extra="<MerchantOrderID>|</MerchantOrderID>")).split(
        b"|"
    )
    with path.open("wb") as out:
        out.write(head)
        for _ in range(200):
            out.write(b" A" * 50_000)
        out.write(tail)

    # When it is parsed under tracemalloc
    with path.open("rb") as source:
        tracemalloc.start()
        try:
            records = list(fmt.read(source))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    # Then it is refused, and the text was never held whole (measured: about 0.1 MB)
    assert records == [
        RecordError(
            1,
            MessageProblem.INVALID_MESSAGE,
            f"MerchantOrderID '{'A ' * 20}…' is longer than 100 characters.",
            ORDER,
        )
    ]
    assert peak < 2 * 1024 * 1024
