"""Processing reports in the marketplace's shapes: the XML ProcessingReport of XML feeds and the
tab-separated report of flat files. Both stream: results are written as the iterable yields them."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

RESULT_CODES = frozenset({"Error", "Warning"})
STATUS_CODES = frozenset({"Complete", "Rejected"})
TSV_COLUMNS = (
    "original-record-number",
    "order-id",
    "order-item-id",
    "error-code",
    "error-type",
    "error-message",
)
# The flat-file report of a feed about listings (the inventory file): a SKU instead of the order.
TSV_SKU_COLUMNS = (
    "original-record-number",
    "sku",
    "error-code",
    "error-type",
    "error-message",
)

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Whatever a spreadsheet or str.splitlines() would take for a cell or line boundary.
_TSV_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class MessageResult:
    message_id: int
    result_code: str  # "Error" | "Warning"
    message_code: int  # a FileProblem/MessageProblem value
    description: str
    amazon_order_id: str | None = None
    order_item_id: str | None = None
    sku: str | None = None

    def __post_init__(self) -> None:
        if self.result_code not in RESULT_CODES:
            raise ValueError(f"result_code must be Error or Warning, not {self.result_code!r}")


@dataclass(frozen=True, slots=True)
class ReportSummary:
    document_transaction_id: str
    status_code: str  # "Complete" | "Rejected"
    processed: int
    successful: int
    with_error: int
    with_warning: int

    def __post_init__(self) -> None:
        if self.status_code not in STATUS_CODES:
            raise ValueError(f"status_code must be Complete or Rejected, not {self.status_code!r}")


def write_processing_report_xml(
    out: BinaryIO,
    *,
    merchant_identifier: str,
    summary: ReportSummary,
    results: Iterable[MessageResult],
) -> None:
    xml = _XmlWriter(out)
    xml.document_starts()
    xml.start(
        "AmazonEnvelope",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
        },
    )
    xml.start("Header")
    xml.leaf("DocumentVersion", "1.02")
    xml.leaf("MerchantIdentifier", merchant_identifier)
    xml.end("Header")
    xml.leaf("MessageType", "ProcessingReport")
    xml.start("Message")
    xml.leaf("MessageID", "1")
    xml.start("ProcessingReport")
    xml.leaf("DocumentTransactionID", summary.document_transaction_id)
    xml.leaf("StatusCode", summary.status_code)
    _write_summary(xml, summary)
    for result in results:
        _write_result(xml, result)
    xml.end("ProcessingReport")
    xml.end("Message")
    xml.end("AmazonEnvelope")
    xml.document_ends()


def write_processing_report_tsv(
    out: BinaryIO,
    *,
    summary: ReportSummary,
    results: Iterable[MessageResult],
    by_sku: bool = False,
) -> None:
    out.write(
        "Feed Processing Summary:\n"
        f"\tNumber of records processed\t{summary.processed}\n"
        f"\tNumber of records successful\t{summary.successful}\n"
        "\n".encode()
    )
    out.write(_tsv_line(TSV_SKU_COLUMNS if by_sku else TSV_COLUMNS))
    for result in results:
        keys = (
            (result.sku or "",)
            if by_sku
            else (result.amazon_order_id or "", result.order_item_id or "")
        )
        out.write(
            _tsv_line(
                (
                    str(result.message_id),
                    *keys,
                    str(int(result.message_code)),
                    result.result_code,
                    result.description,
                )
            )
        )


def _tsv_line(cells: Iterable[str]) -> bytes:
    return ("\t".join(_TSV_BREAKS.sub(" ", cell) for cell in cells) + "\n").encode()


class _XmlWriter:
    """XMLGenerator with elements written as open/leaf/close, texts made safe for XML 1.0."""

    def __init__(self, out: BinaryIO) -> None:
        # XMLGenerator writes its declaration with the encoding's name exactly as given.
        self._generator = XMLGenerator(out, encoding="UTF-8", short_empty_elements=False)

    def document_starts(self) -> None:
        self._generator.startDocument()

    def document_ends(self) -> None:
        self._generator.endDocument()

    def start(self, name: str, attributes: dict[str, str] | None = None) -> None:
        self._generator.startElement(name, AttributesImpl(attributes or {}))

    def end(self, name: str) -> None:
        self._generator.endElement(name)

    def leaf(self, name: str, text: str) -> None:
        self.start(name)
        self._generator.characters(_NOT_XML.sub("\ufffd", text))
        self.end(name)


def _write_summary(xml: _XmlWriter, summary: ReportSummary) -> None:
    xml.start("ProcessingSummary")
    xml.leaf("MessagesProcessed", str(summary.processed))
    xml.leaf("MessagesSuccessful", str(summary.successful))
    xml.leaf("MessagesWithError", str(summary.with_error))
    xml.leaf("MessagesWithWarning", str(summary.with_warning))
    xml.end("ProcessingSummary")


def _write_result(xml: _XmlWriter, result: MessageResult) -> None:
    xml.start("Result")
    xml.leaf("MessageID", str(result.message_id))
    xml.leaf("ResultCode", result.result_code)
    xml.leaf("ResultMessageCode", str(int(result.message_code)))
    xml.leaf("ResultDescription", result.description)
    additional = (
        ("AmazonOrderID", result.amazon_order_id),
        ("AmazonOrderItemCode", result.order_item_id),
        ("SKU", result.sku),
    )
    if any(value for _, value in additional):
        xml.start("AdditionalInfo")
        for name, value in additional:
            if value:
                xml.leaf(name, value)
        xml.end("AdditionalInfo")
    xml.end("Result")
