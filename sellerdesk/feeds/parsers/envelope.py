"""The reader every XML feed shares: an AmazonEnvelope of one MessageType, in two streaming
passes over a seekable source. The first checks the whole file (well-formed to the end, the
envelope, a Message, nesting at most MAX_DEPTH deep) and raises FeedRejected; only then does the
second gather each Message as its format's Shape declares, for the format's record builder.

The bytes go straight to expat (pyexpat), guarded as defusedxml guards it: any DOCTYPE,
entity declaration or external entity reference is refused. No tree is built and an element's
text is capped as it is read, so memory holds one Message's capped values, not the document."""

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import BinaryIO, NoReturn, Protocol
from xml.parsers import expat

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.fields import (
    ID_NUMBER_RE,
    MAX_MERCHANT_ID_LENGTH,
    Invalid,
    is_order_id,
    merchant_id,
    order_id_problem,
    quoted,
)
from sellerdesk.feeds.parsers.records import FeedRejected, RecordError

# Real feeds nest under 10 levels (AmazonEnvelope, Message, OrderAdjustment, AdjustedItem,
# ItemPriceAdjustments, Component, Amount is 7); deeper is a hostile or broken file, refused
# before any Message is gathered.
MAX_DEPTH = 32

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
    expat.errors.codes[message]
    for message in (
        expat.errors.XML_ERROR_NO_ELEMENTS,
        expat.errors.XML_ERROR_UNCLOSED_TOKEN,
        expat.errors.XML_ERROR_PARTIAL_CHAR,
    )
)
# amzn-envelope.xsd: the envelope's children, in order; Message repeats.
_ENVELOPE_ORDER = {
    name: position
    for position, name in enumerate(
        ("Header", "MessageType", "MarketplaceName", "EffectiveDate", "PurgeAndReplace", "Message")
    )
}
_HEADER_REQUIRED = ("DocumentVersion", "MerchantIdentifier")
_NO_ATTRIBUTES: Mapping[str, str] = MappingProxyType({})
Event = tuple[bool, int, str, str, Mapping[str, str]]


class Shape:
    """What an element inside a Message may hold: leaves (elements of text; one space-separated
    string) and containers (name: Shape). It appears at_most times in its parent (too_many says
    what is wrong beyond); `keep` keeps a leaf's unqualified attribute as the value "leaf@name";
    the elements in `refused` are refused as a whole: the first one's name is kept, unread."""

    __slots__ = ("at_most", "containers", "keep", "leaves", "refused", "too_many")

    def __init__(
        self,
        leaves: str = "",
        containers: Mapping[str, "Shape"] = MappingProxyType({}),
        *,
        at_most: int = 1,
        too_many: str = "",
        keep: Mapping[str, str] = _NO_ATTRIBUTES,
        refused: str = "",
    ) -> None:
        self.leaves, self.refused = frozenset(leaves.split()), frozenset(refused.split())
        self.containers, self.at_most, self.too_many, self.keep = (
            containers,
            at_most,
            too_many,
            keep,
        )


class _ItemRecord(Protocol):
    @property
    def order_item_id(self) -> str: ...


@dataclass(slots=True)
class Raw:
    """An element's texts as found, before any of them is judged."""

    values: dict[str, str] = field(default_factory=dict)  # by leaf (and "leaf@attribute")
    children: dict[str, list["Raw"]] = field(default_factory=dict)  # containers, in order
    refused: str | None = None  # the first container refused as a whole

    def one(self, name: str) -> "Raw | None":
        found = self.children.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list["Raw"]:
        return self.children.get(name, [])

    def required(
        self, name: str, code: MessageProblem = MessageProblem.INVALID_MESSAGE, *, what: str = ""
    ) -> str:
        """A leaf's text, which must be there."""
        if (value := self.values.get(name)) is None:
            raise Invalid(code, f"{what or name} is missing.")
        return value

    def items[T: _ItemRecord](
        self, name: str, build: Callable[[str, "Raw"], T]
    ) -> Iterator[tuple[int, T]]:
        """Each child `name` built ("Item 2" tells build which), numbered from 1; an
        AmazonOrderItemCode that an earlier one had is refused."""
        seen: set[str] = set()
        for number, raw in enumerate(self.all(name), start=1):
            item = build(f"{name} {number}", raw)
            if item.order_item_id in seen:
                raise Invalid(
                    MessageProblem.INVALID_MESSAGE,
                    f"{name} {number}: AmazonOrderItemCode {item.order_item_id} appears in an "
                    f"earlier {name} of this message.",
                    item.order_item_id,
                )
            seen.add(item.order_item_id)
            yield number, item


@dataclass(frozen=True, slots=True)
class Message:
    """A Message whose MessageID, OperationType and order passed: what a builder judges."""

    message_id: int
    order_id: str  # AmazonOrderID
    merchant_order_id: str | None
    body: Raw


def read_envelope[R](
    source: BinaryIO, message_type: str, body: Shape, build: Callable[[Message], R]
) -> Iterator[R | RecordError]:
    """One record (or a RecordError from the first Invalid build raises) per Message, in
    document order. The envelope's MessageType names the Message's element, whose shape is body.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    check = _EnvelopeCheck(message_type)
    for is_start, depth, name, text, _attributes in _walk(source):
        if is_start:
            check.start(depth, name)
        else:
            check.end(depth, name, text)
    check.finish()
    source.seek(0)
    yield from _messages(source, message_type, body, build)


# --- reading ---------------------------------------------------------------------------------


def _walk(source: BinaryIO) -> Iterator[Event]:
    """(is_start, depth, local name, text, attributes) for every element, the root at depth 1:
    the attributes (capped) on starts; on ends the text, stripped and capped as it is read: the
    character data before the first child (all of it for a leaf), as ElementTree's `text`."""
    events: list[Event] = []
    parser = _parser(events)
    offset, blank, final = 0, True, False  # blank: nothing but white space and a BOM so far
    check_binary = True
    while not final:
        chunk = source.read(_CHUNK_BYTES)
        if offset == 0:  # UTF-16 is text with NUL bytes; expat decodes it by its byte-order mark
            check_binary = not chunk.startswith(_UTF16_BOMS)
        if check_binary and (found := _BINARY.search(chunk)):
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                f"The file is not text: byte {offset + found.start()} is the control character "
                f"0x{found.group()[0]:02x}. Send the feed as UTF-8 XML.",
            )
        blank = blank and not chunk.removeprefix(_UTF8_BOM if offset == 0 else b"").strip()
        offset += len(chunk)
        final = not chunk
        problem: FeedRejected | None = None
        try:
            parser.Parse(chunk, final)
        except expat.ExpatError as error:
            problem = (
                FeedRejected(FileProblem.EMPTY, "The file is empty.")
                if blank
                else FeedRejected(FileProblem.MALFORMED, _parse_error(error))
            )
        except (LookupError, ValueError) as error:  # the declared encoding: unknown, multi-byte
            problem = FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                f"The XML declares an encoding that cannot be read ({error}). "
                "Send the feed as UTF-8.",
            )
        except FeedRejected as rejected:  # by a handler
            problem = rejected
        yield from events  # what came before a problem, as the file reads
        if problem is not None:
            raise problem from None
        events.clear()


def _parser(events: list[Event]) -> expat.XMLParserType:
    """An expat parser that appends _walk's tuples to events and refuses DTDs and entities."""
    # "}" separates a namespace from the local name, as ElementTree has it: "urn:amzn}Message".
    # No interning: a file of ever new element names must not grow a table of them.
    parser = expat.ParserCreate(None, "}", None)
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    # As defusedxml does: any DOCTYPE (and so any entity declaration) is refused.
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = _refuse

    append = events.append
    local_names: dict[str, str] = {}
    kept: list[str] = []  # the texts of the open elements whose first child has started
    text = ""  # the innermost open element's text so far, while it has no child
    depth = 0
    leaf = False  # the innermost open element has no child yet: character data is its text

    def remember(tag: str) -> str:
        name = tag.rpartition("}")[2]
        if len(local_names) < _NAMES_KEPT:  # a feed has a few dozen; a hostile file, any number
            local_names[tag] = name
        return name

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth, leaf, text
        if depth == MAX_DEPTH:
            raise FeedRejected(
                FileProblem.NESTED_TOO_DEEP,
                f"Elements are nested more than {MAX_DEPTH} deep at line "
                f"{parser.CurrentLineNumber}, column {parser.CurrentColumnNumber + 1}; "
                "a feed's elements nest less than 10 deep.",
            )
        if leaf:
            kept.append(text.strip()[:_TEXT_KEPT])
            text = ""
        leaf = True
        depth += 1
        # A namespaced attribute keeps its namespace ("urn:x}name"): only an unqualified one is
        # read by its plain name.
        capped = (
            {k: v[:_TEXT_KEPT] for k, v in attributes.items()} if attributes else _NO_ATTRIBUTES
        )
        try:  # a subscript, not get(): this runs for every element
            name = local_names[tag]
        except KeyError:
            name = remember(tag)
        append((True, depth, name, "", capped))

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


def _shorten(text: str) -> str:
    """At most _TEXT_KEPT + 1 characters that strip and cap to what text would: the leading
    whitespace goes, and one character stands for all beyond the cap (whether it is whitespace
    decides whether the kept part is stripped at its end)."""
    text = text.lstrip()
    if len(text) <= _TEXT_KEPT:
        return text
    beyond = text[_TEXT_KEPT:]
    return text[:_TEXT_KEPT] + (beyond.lstrip()[:1] or beyond[0])


def _refuse(*_declaration: object) -> NoReturn:
    raise FeedRejected(
        FileProblem.FORBIDDEN_MARKUP,
        "The file has a document type declaration (<!DOCTYPE …>) or entity declarations; "
        "feeds may not contain DTDs, entities or external references.",
    )


def _parse_error(error: expat.ExpatError) -> str:
    where = f"line {error.lineno}, column {error.offset + 1}"
    description = f"The XML is not well-formed: {expat.ErrorString(error.code)} at {where}."
    if error.code in _CUT_SHORT:
        description += " The file seems to be cut short."
    return description


# --- first pass: the file as a whole ---------------------------------------------------------


@dataclass(slots=True)
class _EnvelopeCheck:
    """The envelope of a feed of one MessageType: Header, MessageType, then Messages."""

    message_type: str
    position: int = -1  # in _ENVELOPE_ORDER of the latest envelope child
    header_children: set[str] = field(default_factory=set)
    messages: int = 0

    def start(self, depth: int, name: str) -> None:
        if depth == 1 and name != "AmazonEnvelope":
            feed = re.sub(r"(?<=.)(?=[A-Z])", " ", self.message_type)  # "Order Adjustment"
            raise FeedRejected(
                FileProblem.WRONG_ENVELOPE,
                f"The root element is <{name}>; an {feed} feed is an <AmazonEnvelope>.",
            )
        if depth == 2:
            self._child_starts(name)

    def end(self, depth: int, name: str, text: str) -> None:
        if depth == 3 and self.position == _ENVELOPE_ORDER["Header"] and text:
            self.header_children.add(name)
        elif depth == 2 and name == "Header":
            if missing := [name for name in _HEADER_REQUIRED if name not in self.header_children]:
                raise FeedRejected(
                    FileProblem.WRONG_ENVELOPE, f"The Header lacks {' and '.join(missing)}."
                )
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
        position = _ENVELOPE_ORDER.get(name, -1)  # -1: not an envelope element
        if position < max(self.position, 0) or (position == self.position and name != "Message"):
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


# --- second pass: one record per Message -----------------------------------------------------


# An open element in a Message: its name, the shape of a container being gathered (None for an
# element whose contents are not read), the Raw it fills (a leaf fills its parent's), whether it
# is a leaf. A tuple: one is made for every element of the feed.
_Open = tuple[str, Shape | None, Raw, bool]


class _Collector:
    """One Message's Raw, gathered as its shape declares, and its first structural problem.

    The open elements are a stack, so each element costs the same however deep it is."""

    def __init__(self, message: Shape, body_name: str, position: int) -> None:
        self.body_name = body_name
        self.position = position  # 1-based among the feed's Messages
        self.raw = Raw()
        self.problem: str | None = None  # in English
        self._open: list[_Open] = [("Message", message, self.raw, False)]

    def start(self, name: str, attributes: Mapping[str, str]) -> None:
        parent = self._open[-1]
        parent_name, shape, raw, is_leaf = parent
        if shape is None:  # inside an element whose contents are not read
            self._open.append(parent)
        elif is_leaf:
            self._unexpected(name, parent_name)
        elif name in shape.leaves:
            self._open.append((name, shape, raw, True))
            if shape.keep and (attribute := shape.keep.get(name)) and attribute in attributes:
                raw.values[f"{name}@{attribute}"] = attributes[attribute]
        elif name in shape.refused:
            raw.refused = raw.refused or name
            self._open.append((name, None, raw, False))
        elif (child_shape := shape.containers.get(name)) is not None:
            self._open.append((name, child_shape, self._container(raw, name, child_shape), False))
        else:
            self._unexpected(name, parent_name)

    def end(self, name: str, text: str) -> None:
        _name, _shape, raw, is_leaf = self._open.pop()
        if not is_leaf:
            return
        if name in raw.values:
            self._fail(f"<{name}> appears twice in <{self._open[-1][0]}>.")
        else:
            raw.values[name] = text

    def _container(self, parent: Raw, name: str, shape: Shape) -> Raw:
        raw = Raw()
        siblings = parent.children.setdefault(name, [])
        if len(siblings) < shape.at_most:
            siblings.append(raw)
        elif shape.too_many or shape.at_most > 1:  # gathered apart, the message refused
            self._fail(
                shape.too_many or f"The message has more than {shape.at_most} {name} elements."
            )
        else:
            self._fail(f"<{name}> appears twice in <{self._open[-1][0]}>.")
        return raw

    def _unexpected(self, name: str, parent: str) -> None:
        self._fail(f"Unexpected element <{name}> in <{parent}>.")
        self._open.append((name, None, self.raw, False))

    def _fail(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem


def _messages[R](
    source: BinaryIO, message_type: str, body: Shape, build: Callable[[Message], R]
) -> Iterator[R | RecordError]:
    message = Shape("MessageID OperationType", {message_type: body})
    seen_ids = _SeenIds()
    position = 0
    collector: _Collector | None = None
    for is_start, depth, name, text, attributes in _walk(source):
        if depth == 2 and name == "Message":
            if is_start:
                position += 1
                collector = _Collector(message, message_type, position)
            elif collector is not None:
                yield _judge(collector, seen_ids, build)
                collector = None
        elif depth > 2 and collector is not None:
            if is_start:
                collector.start(name, attributes)
            else:
                collector.end(name, text)


class _SeenIds:
    """MessageIDs used so far in the feed. Feeds number their messages 1, 2, 3…, so a run of
    consecutive ids is kept as a range and memory stays flat; other ids go to a set."""

    def __init__(self) -> None:
        self._run = range(0)
        self._others: set[int] = set()

    def __contains__(self, message_id: int) -> bool:
        return message_id in self._run or message_id in self._others

    def add(self, message_id: int) -> None:
        if not self._run or message_id == self._run.stop:
            self._run = range(self._run.start if self._run else message_id, message_id + 1)
        else:
            self._others.add(message_id)


def _judge[R](
    collector: _Collector, seen_ids: _SeenIds, build: Callable[[Message], R]
) -> R | RecordError:
    """The MessageID checked, then what every format's message is checked for first (its
    structure, OperationType, its body, the order), then the format's own record built."""
    values = collector.raw.values
    body = collector.raw.one(collector.body_name)
    order_values = body.values if body is not None else {}
    order_id = order_values.get("AmazonOrderID", "")
    message_id = collector.position
    try:
        message_id = _message_id(values.get("MessageID"))
        if message_id in seen_ids:
            raise Invalid(
                MessageProblem.DUPLICATE_MESSAGE,
                f"MessageID {message_id} was already used by an earlier message in this feed.",
            )
        seen_ids.add(message_id)
        if collector.problem is not None:
            raise Invalid(MessageProblem.INVALID_MESSAGE, collector.problem)
        operation = values.get("OperationType")
        if operation is not None and operation not in _OPERATION_TYPES:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"OperationType {quoted(operation)} is not Update, Delete or PartialUpdate.",
            )
        if body is None:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE, f"The message has no {collector.body_name}."
            )
        checked_order_id = _order_id(order_values)
        merchant_order_id = merchant_id("MerchantOrderID", order_values.get("MerchantOrderID"))
        return build(Message(message_id, checked_order_id, merchant_order_id, body))
    except Invalid as invalid:
        valid_order_id = order_id if is_order_id(order_id) else None
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


def _order_id(values: Mapping[str, str]) -> str:
    value = values.get("AmazonOrderID")
    if value is None and values.get("MerchantOrderID"):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "The order is identified by MerchantOrderID only; Seller Desk identifies orders "
            "by AmazonOrderID.",
        )
    if value is None:
        raise Invalid(MessageProblem.INVALID_ORDER_ID, "AmazonOrderID is missing.")
    if not is_order_id(value):
        raise Invalid(MessageProblem.INVALID_ORDER_ID, order_id_problem("AmazonOrderID", value))
    return value
