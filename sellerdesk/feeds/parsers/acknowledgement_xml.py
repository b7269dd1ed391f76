"""POST_ORDER_ACKNOWLEDGEMENT_DATA: the Order Acknowledgement XML feed.

Two streaming passes over a seekable source: the first checks the whole file (well-formed to the
end, envelope, at least one Message) and raises FeedRejected; only then does the second yield one
Acknowledgement or RecordError per Message.

The bytes go straight to expat (pyexpat), with defusedxml's guards as handlers: any DOCTYPE,
entity declaration or external entity reference is refused. No tree is built and an element's
text is capped as it is read, so memory holds one Message's capped values, not the document."""

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import BinaryIO, Protocol
from xml.parsers.expat import (
    XML_PARAM_ENTITY_PARSING_NEVER,
    ErrorString,
    ExpatError,
    ParserCreate,
    XMLParserType,
    errors,
)

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.fields import (
    ID_NUMBER_RE,
    MAX_MERCHANT_ID_LENGTH,
    Invalid,
    is_order_id,
    is_order_item_id,
    item_code_problem,
    merchant_id,
    order_id_problem,
    quantity,
    quoted,
    reason_problem,
)
from sellerdesk.feeds.parsers.records import (
    FAILURE,
    MAX_ITEMS_PER_MESSAGE,
    SUCCESS,
    Acknowledgement,
    CancelLine,
    FeedRejected,
    RecordError,
)

MESSAGE_TYPE = "OrderAcknowledgement"

# Control bytes never occur in XML text (UTF-8 multi-byte sequences are all >= 0x80).
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# No valid value is longer, so a longer text is invalid however much more of it there is.
_TEXT_KEPT = MAX_MERCHANT_ID_LENGTH + 1
_NAMES_KEPT = 256  # tags whose local name is remembered
_CHUNK_BYTES = 16 * 1024  # as iterparse reads
_OPERATION_TYPES = frozenset({"Update", "Delete", "PartialUpdate"})
# Expat's errors for a document that stops in the middle.
_CUT_SHORT = frozenset(
    errors.codes[message]
    for message in (
        errors.XML_ERROR_NO_ELEMENTS,
        errors.XML_ERROR_UNCLOSED_TOKEN,
        errors.XML_ERROR_PARTIAL_CHAR,
    )
)

# amzn-envelope.xsd: the envelope's children, in order; Message repeats.
_ENVELOPE_ORDER = {
    "Header": 0,
    "MessageType": 1,
    "MarketplaceName": 2,
    "EffectiveDate": 3,
    "PurgeAndReplace": 4,
    "Message": 5,
}
_HEADER_REQUIRED = ("DocumentVersion", "MerchantIdentifier")

# Inside a Message: element path of a parent -> the children it may have.
_ACK = ("OrderAcknowledgement",)
_ITEM = ("OrderAcknowledgement", "Item")
_CONTAINERS: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"OrderAcknowledgement"}),
    _ACK: frozenset({"Item"}),
}
_LEAVES: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"MessageID", "OperationType"}),
    _ACK: frozenset({"AmazonOrderID", "MerchantOrderID", "StatusCode"}),
    _ITEM: frozenset({"AmazonOrderItemCode", "MerchantOrderItemID", "CancelReason", "Quantity"}),
}


def read_order_acknowledgements(source: BinaryIO) -> Iterator[Acknowledgement | RecordError]:
    """One Acknowledgement or RecordError per Message, in document order.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    _check_envelope(source, _EnvelopeCheck())
    source.seek(0)
    yield from _envelope_messages(source, new=_RawMessage, build=_acknowledgement)


# --- reading ---------------------------------------------------------------------------------


class _GuardedReader:
    """Passes the source's bytes to the parser, rejecting binary data wherever it appears."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self._offset = 0
        self._check_binary = True
        self.blank = True  # nothing but whitespace (and a byte-order mark) so far

    def read(self, size: int = -1) -> bytes:
        chunk = self._source.read(size)
        if self._offset == 0:
            # UTF-16 is text with NUL bytes; expat decodes it by its byte-order mark.
            self._check_binary = not chunk.startswith(_UTF16_BOMS)
        if self._check_binary and (found := _BINARY.search(chunk)):
            position = self._offset + found.start()
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                f"The file is not text: byte {position} is the control character "
                f"0x{found.group()[0]:02x}. Send the feed as UTF-8 XML.",
            )
        if self.blank:
            self.blank = not chunk.removeprefix(_UTF8_BOM if self._offset == 0 else b"").strip()
        self._offset += len(chunk)
        return chunk


Event = tuple[bool, int, str, str, Mapping[str, str]]
_NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})


def _walk(source: BinaryIO) -> Iterator[Event]:
    """(is_start, depth, local name, text, attributes) for every element: text (stripped,
    capped) on ends, "" on starts; the attributes (values as written, capped) on starts, none on
    ends.

    The root is depth 1. An element's text is the character data before its first child (all of
    it for a leaf), as ElementTree's `text`; it is capped as it is read."""
    reader = _GuardedReader(source)
    events: list[Event] = []
    parse = _parser(events).Parse
    final = False
    while not final:
        chunk = reader.read(_CHUNK_BYTES)
        final = not chunk
        try:
            parse(chunk, final)
        except ExpatError as error:
            yield from events  # what came before the error, as the file reads
            if reader.blank:
                raise FeedRejected(FileProblem.EMPTY, "The file is empty.") from None
            raise FeedRejected(FileProblem.MALFORMED, _describe_parse_error(error)) from None
        except DefusedXmlException:
            raise FeedRejected(
                FileProblem.FORBIDDEN_MARKUP,
                "The file has a document type declaration (<!DOCTYPE …>) or entity "
                "declarations; feeds may not contain DTDs, entities or external references.",
            ) from None
        except (LookupError, ValueError) as error:  # the declared encoding: unknown, multi-byte
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                f"The XML declares an encoding that cannot be read ({error}). "
                "Send the feed as UTF-8.",
            ) from None
        yield from events
        events.clear()


def _parser(events: list[Event]) -> XMLParserType:
    """An expat parser that appends _walk's tuples to events and refuses DTDs and entities."""
    # "}" separates a namespace from the local name, as ElementTree has it: "urn:amzn}Message".
    # No interning: a file of ever new element names must not grow a table of them.
    parser = ParserCreate(None, "}", None)
    parser.buffer_text = True
    parser.SetParamEntityParsing(XML_PARAM_ENTITY_PARSING_NEVER)
    # defusedxml's guards: any DOCTYPE (and so any entity declaration) is refused.
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_unparsed_entity
    parser.ExternalEntityRefHandler = _refuse_external_reference

    append = events.append
    local_names: dict[str, str] = {}
    kept: list[str] = []  # the texts of the open elements whose first child has started
    text = ""  # the innermost open element's text so far, while it has no child
    depth = 0
    leaf = False  # the innermost open element has no child yet: character data is its text

    def remember(tag: str) -> str:
        name = _local_name(tag)
        if len(local_names) < _NAMES_KEPT:  # a feed has a few dozen; a hostile file, any number
            local_names[tag] = name
        return name

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth, leaf, text
        if leaf:
            kept.append(text.strip()[:_TEXT_KEPT])
            text = ""
        leaf = True
        depth += 1
        try:
            name = local_names[tag]
        except KeyError:
            name = remember(tag)
        append(
            (
                True,
                depth,
                name,
                "",
                _capped(attributes) if attributes else _NO_ATTRIBUTES,
            )
        )

    def end(tag: str) -> None:
        nonlocal depth, leaf, text
        if leaf:
            value = text.strip()[:_TEXT_KEPT]
            text = ""
            leaf = False
        else:
            value = kept.pop()
        try:
            name = local_names[tag]
        except KeyError:
            name = remember(tag)
        append((False, depth, name, value, _NO_ATTRIBUTES))
        depth -= 1

    def characters(data: str) -> None:
        nonlocal text
        if leaf:
            text += data
            if len(text) > _TEXT_KEPT:
                text = _shorten(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _capped(attributes: dict[str, str]) -> Mapping[str, str]:
    """Each value capped as texts are; a namespaced name keeps its namespace ("urn:x}name"), so
    only an unqualified attribute is read by its plain name."""
    return {name: value[:_TEXT_KEPT] for name, value in attributes.items()}


def _shorten(text: str) -> str:
    """At most _TEXT_KEPT + 1 characters that strip and cap to what text would: the leading
    whitespace goes, and one character stands for all beyond the cap (whether it is whitespace
    decides whether the kept part is stripped at its end)."""
    text = text.lstrip()
    if len(text) <= _TEXT_KEPT:
        return text
    beyond = text[_TEXT_KEPT:]
    return text[:_TEXT_KEPT] + (beyond.lstrip()[:1] or beyond[0])


def _refuse_doctype(name: str, sysid: str | None, pubid: str | None, _internal: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _refuse_entity(
    name: str,
    _is_parameter: bool,
    value: str | None,
    base: str | None,
    sysid: str | None,
    pubid: str | None,
    notation: str | None,
) -> None:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _refuse_unparsed_entity(
    name: str, base: str | None, sysid: str, pubid: str | None, notation: str
) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _refuse_external_reference(
    context: str, base: str | None, sysid: str | None, pubid: str | None
) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _describe_parse_error(error: ExpatError) -> str:
    where = f"line {error.lineno}, column {error.offset + 1}"
    description = f"The XML is not well-formed: {ErrorString(error.code)} at {where}."
    if error.code in _CUT_SHORT:
        description += " The file seems to be cut short."
    return description


# --- first pass: the file as a whole ---------------------------------------------------------


@dataclass(slots=True)
class _EnvelopeCheck:
    """The envelope of a feed of one MessageType: Header, MessageType, then Messages."""

    feed: str = "Order Acknowledgement"  # in descriptions: "an Order Acknowledgement feed"
    message_type: str = MESSAGE_TYPE
    position: int = -1  # in _ENVELOPE_ORDER of the latest envelope child
    header_children: set[str] = field(default_factory=set)
    messages: int = 0

    def start(self, depth: int, name: str) -> None:
        if depth == 1 and name != "AmazonEnvelope":
            raise FeedRejected(
                FileProblem.WRONG_ENVELOPE,
                f"The root element is <{name}>; an {self.feed} feed is an <AmazonEnvelope>.",
            )
        if depth == 2:
            self._child_starts(name)

    def end(self, depth: int, name: str, text: str) -> None:
        if depth == 3 and self.position == _ENVELOPE_ORDER["Header"] and text:
            self.header_children.add(name)
        elif depth == 2 and name == "Header":
            self._check_header()
        elif depth == 2 and name == "MessageType" and text != self.message_type:
            raise FeedRejected(
                FileProblem.WRONG_MESSAGE_TYPE,
                f"MessageType is {quoted(text)}; this feed takes {self.message_type}.",
            )
        elif depth == 2 and name == "Message":
            self.messages += 1

    def finish(self) -> None:
        if self.position < _ENVELOPE_ORDER["Header"]:
            raise FeedRejected(FileProblem.WRONG_ENVELOPE, "The AmazonEnvelope has no Header.")
        if self.position < _ENVELOPE_ORDER["MessageType"]:
            raise FeedRejected(FileProblem.WRONG_MESSAGE_TYPE, "The MessageType is missing.")
        if self.messages == 0:
            raise FeedRejected(FileProblem.EMPTY, "The feed has no Message.")

    def _child_starts(self, name: str) -> None:
        position = _ENVELOPE_ORDER.get(name)
        if (
            position is None
            or position < self.position
            or (position == self.position and name != "Message")
        ):
            raise FeedRejected(
                FileProblem.WRONG_ENVELOPE,
                f"Unexpected <{name}> in AmazonEnvelope; the envelope holds Header, "
                "MessageType, then Message elements.",
            )
        if self.position < 0 and name != "Header":
            raise FeedRejected(
                FileProblem.WRONG_ENVELOPE,
                f"The AmazonEnvelope starts with <{name}>; it must start with a Header.",
            )
        if name == "Message" and self.position < _ENVELOPE_ORDER["MessageType"]:
            raise FeedRejected(
                FileProblem.WRONG_MESSAGE_TYPE,
                "The MessageType is missing before the first Message.",
            )
        self.position = position

    def _check_header(self) -> None:
        missing = [name for name in _HEADER_REQUIRED if name not in self.header_children]
        if missing:
            raise FeedRejected(
                FileProblem.WRONG_ENVELOPE,
                f"The Header lacks {' and '.join(missing)}.",
            )


def _check_envelope(source: BinaryIO, check: _EnvelopeCheck) -> None:
    """The first pass: the whole file read and its envelope checked; raises FeedRejected."""
    for is_start, depth, name, text, _attributes in _walk(source):
        if is_start:
            check.start(depth, name)
        else:
            check.end(depth, name, text)
    check.finish()


# --- second pass: one record per Message -----------------------------------------------------


@dataclass(slots=True)
class _RawMessage:
    """A Message's element texts as found, before any of them is judged."""

    position: int  # 1-based among the feed's Messages
    values: dict[str, str] = field(default_factory=dict)  # Message and OrderAcknowledgement leaves
    items: list[dict[str, str]] = field(default_factory=list)
    has_acknowledgement: bool = False
    problem: str | None = None  # the first structural problem, in English
    _path: list[str] = field(default_factory=list)
    _item: dict[str, str] = field(default_factory=dict)

    def start(self, name: str, _attributes: Mapping[str, str]) -> None:
        parent = tuple(self._path)
        self._path.append(name)
        if name in _CONTAINERS.get(parent, ()):
            self._container_starts(name)
        elif name not in _LEAVES.get(parent, ()):
            self._fail(f"Unexpected element <{name}> in <{parent[-1] if parent else 'Message'}>.")

    def end(self, name: str, text: str) -> None:
        self._path.pop()
        parent = tuple(self._path)
        if name not in _LEAVES.get(parent, ()):
            return
        values = self._item if parent == _ITEM else self.values
        if name in values:
            self._fail(f"<{name}> appears twice in <{parent[-1] if parent else 'Message'}>.")
        else:
            values[name] = text

    def _container_starts(self, name: str) -> None:
        if name == "OrderAcknowledgement":
            if self.has_acknowledgement:
                self._fail("<OrderAcknowledgement> appears twice in <Message>.")
            self.has_acknowledgement = True
            return
        self._item = {}
        if len(self.items) < MAX_ITEMS_PER_MESSAGE:
            self.items.append(self._item)
        else:
            self._fail(f"The message has more than {MAX_ITEMS_PER_MESSAGE} Item elements.")

    def _fail(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem


class _SeenIds:
    """MessageIDs used so far in the feed. Feeds number their messages 1, 2, 3…, so a run of
    consecutive ids is kept as its two ends and memory stays flat; other ids go to a set."""

    def __init__(self) -> None:
        self._run_start = self._run_end = 0
        self._others: set[int] = set()

    def __contains__(self, message_id: int) -> bool:
        return self._run_start <= message_id <= self._run_end or message_id in self._others

    def add(self, message_id: int) -> None:
        if self._run_end == 0:
            self._run_start = self._run_end = message_id
        elif message_id == self._run_end + 1:
            self._run_end = message_id
        else:
            self._others.add(message_id)


class _MessageReader(Protocol):
    position: int  # 1-based among the feed's Messages
    values: dict[str, str]  # the Message's own leaves and its feed element's, by name

    def start(self, name: str, attributes: Mapping[str, str]) -> None: ...
    def end(self, name: str, text: str) -> None: ...


def _envelope_messages[M: _MessageReader, R](
    source: BinaryIO, *, new: Callable[[int], M], build: Callable[[int, M], R]
) -> Iterator[R | RecordError]:
    """Each <Message> of the envelope gathered by a reader of the feed's own elements, then
    judged, one message at a time: its MessageID checked, then built into the feed's record,
    or a RecordError from the first Invalid either raises."""
    seen_ids = _SeenIds()
    position = 0
    message: M | None = None
    for is_start, depth, name, text, attributes in _walk(source):
        if depth == 2 and name == "Message":
            if is_start:
                position += 1
                message = new(position)
            elif message is not None:
                yield _judge(message, seen_ids, build)
                message = None
        elif depth > 2 and message is not None:
            if is_start:
                message.start(name, attributes)
            else:
                message.end(name, text)


def _judge[M: _MessageReader, R](
    raw: M, seen_ids: _SeenIds, build: Callable[[int, M], R]
) -> R | RecordError:
    order_id = raw.values.get("AmazonOrderID", "")
    valid_order_id = order_id if is_order_id(order_id) else None
    message_id = raw.position
    try:
        message_id = _message_id(raw.values.get("MessageID"))
        if message_id in seen_ids:
            raise Invalid(
                MessageProblem.DUPLICATE_MESSAGE,
                f"MessageID {message_id} was already used by an earlier message in this feed.",
            )
        seen_ids.add(message_id)
        return build(message_id, raw)
    except Invalid as invalid:
        return RecordError(
            message_id, invalid.code, invalid.description, valid_order_id, invalid.order_item_id
        )


def _message_id(value: str | None) -> int:
    if value is None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, "MessageID is missing.")
    if not ID_NUMBER_RE.fullmatch(value) or int(value) == 0:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"MessageID {quoted(value)} is not a positive whole number of 1 to 20 digits.",
        )
    return int(value)


def _acknowledgement(message_id: int, raw: _RawMessage) -> Acknowledgement:
    order_id, merchant_order_id = _message_order(
        raw.values, raw.problem, "OrderAcknowledgement", has_body=raw.has_acknowledgement
    )
    status = _status(raw.values.get("StatusCode"))
    items = _items(raw.items, status)
    return Acknowledgement(message_id, order_id, status, merchant_order_id, None, items)


def _message_order(
    values: Mapping[str, str], problem: str | None, body: str, *, has_body: bool
) -> tuple[str, str | None]:
    """What every feed's message is checked for first: its structure (the reader's first
    problem), OperationType, its feed element (body, e.g. OrderAcknowledgement), and the order,
    by AmazonOrderID. Returns the order id and the MerchantOrderID, if any."""
    if problem is not None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    operation = values.get("OperationType")
    if operation is not None and operation not in _OPERATION_TYPES:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"OperationType {quoted(operation)} is not Update, Delete or PartialUpdate.",
        )
    if not has_body:
        raise Invalid(MessageProblem.INVALID_MESSAGE, f"The message has no {body}.")
    if "AmazonOrderID" not in values and values.get("MerchantOrderID"):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "The order is identified by MerchantOrderID only; Seller Desk identifies orders "
            "by AmazonOrderID.",
        )
    order_id = _order_id(values.get("AmazonOrderID"))
    return order_id, merchant_id("MerchantOrderID", values.get("MerchantOrderID"))


def _order_id(value: str | None) -> str:
    if value is None:
        raise Invalid(MessageProblem.INVALID_ORDER_ID, "AmazonOrderID is missing.")
    if not is_order_id(value):
        raise Invalid(MessageProblem.INVALID_ORDER_ID, order_id_problem("AmazonOrderID", value))
    return value


def _status(value: str | None) -> str:
    if value is None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, "StatusCode is missing.")
    if value not in (SUCCESS, FAILURE):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"StatusCode {quoted(value)} is neither {SUCCESS} nor {FAILURE}.",
        )
    return value


def _items(raw_items: list[dict[str, str]], status: str) -> tuple[CancelLine, ...]:
    lines: list[CancelLine] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_items, start=1):
        line = _item(f"Item {number}", raw, status)
        if line.order_item_id in seen:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"Item {number}: AmazonOrderItemCode {line.order_item_id} appears in an "
                "earlier Item of this message.",
                line.order_item_id,
            )
        seen.add(line.order_item_id)
        lines.append(line)
    return tuple(lines)


def _item(where: str, raw: dict[str, str], status: str) -> CancelLine:
    code = raw.get("AmazonOrderItemCode")
    if code is None:
        raise Invalid(MessageProblem.INVALID_ITEM_CODE, f"{where}: AmazonOrderItemCode is missing.")
    if not is_order_item_id(code):
        raise Invalid(
            MessageProblem.INVALID_ITEM_CODE,
            f"{where}: {item_code_problem('AmazonOrderItemCode', code)}",
        )
    where = f"{where} ({code})"
    try:
        merchant_id("MerchantOrderItemID", raw.get("MerchantOrderItemID"))
        reason = _reason(raw.get("CancelReason"), status)
        units = quantity("Quantity", raw.get("Quantity"))
    except Invalid as invalid:
        raise Invalid(invalid.code, f"{where}: {invalid.description}", code) from None
    return CancelLine(code, reason, units)


def _reason(value: str | None, status: str) -> str | None:
    if value is None:
        return None
    problem = reason_problem("CancelReason", value)
    if problem is not None:
        raise Invalid(MessageProblem.INVALID_REASON, problem)
    if status != FAILURE:
        raise Invalid(
            MessageProblem.REASON_WITHOUT_FAILURE,
            f"CancelReason {value} is given but StatusCode is {status}; "
            f"a reason goes only with {FAILURE}.",
        )
    return value
