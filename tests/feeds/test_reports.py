"""Processing-report writers: the XML ProcessingReport and the flat-file report."""

import io
from collections.abc import Iterator

import pytest
from defusedxml.ElementTree import fromstring

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.reports import (
    MessageResult,
    ReportSummary,
    write_processing_report_tsv,
    write_processing_report_xml,
)

ORDER = "203-1234567-7654321"
ITEM = "12345678901234"
SUMMARY = ReportSummary(
    document_transaction_id="50001018800",
    status_code="Complete",
    processed=3,
    successful=1,
    with_error=1,
    with_warning=1,
)
RESULTS = [
    MessageResult(
        message_id=2,
        result_code="Error",
        message_code=MessageProblem.ORDER_SHIPPED,
        description="Order 203-1234567-7654321 has shipped items; it cannot be cancelled.",
        amazon_order_id=ORDER,
    ),
    MessageResult(
        message_id=3,
        result_code="Warning",
        message_code=MessageProblem.DEFAULT_REASON_USED,
        description="No CancelReason; GeneralAdjustment used.",
        amazon_order_id=ORDER,
        order_item_id=ITEM,
        sku="MUG-RED",
    ),
]


def xml_report(
    results: list[MessageResult], summary: ReportSummary = SUMMARY, merchant: str = "M_SD_42"
) -> bytes:
    out = io.BytesIO()
    write_processing_report_xml(out, merchant_identifier=merchant, summary=summary, results=results)
    return out.getvalue()


def tsv_report(results: list[MessageResult], summary: ReportSummary = SUMMARY) -> str:
    out = io.BytesIO()
    write_processing_report_tsv(out, summary=summary, results=results)
    return out.getvalue().decode("utf-8")


# --- XML ---------------------------------------------------------------------------------------


def test_the_xml_report_has_the_processing_report_shape() -> None:
    # Given a summary and one result without additional info
    result = MessageResult(1, "Error", MessageProblem.INVALID_ORDER_ID, "AmazonOrderID is empty.")

    # When the report is written
    data = xml_report([result])

    # Then it is exactly the marketplace's envelope
    assert data == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        b"<Header><DocumentVersion>1.02</DocumentVersion>"
        b"<MerchantIdentifier>M_SD_42</MerchantIdentifier></Header>"
        b"<MessageType>ProcessingReport</MessageType>"
        b"<Message><MessageID>1</MessageID><ProcessingReport>"
        b"<DocumentTransactionID>50001018800</DocumentTransactionID>"
        b"<StatusCode>Complete</StatusCode>"
        b"<ProcessingSummary><MessagesProcessed>3</MessagesProcessed>"
        b"<MessagesSuccessful>1</MessagesSuccessful><MessagesWithError>1</MessagesWithError>"
        b"<MessagesWithWarning>1</MessagesWithWarning></ProcessingSummary>"
        b"<Result><MessageID>1</MessageID><ResultCode>Error</ResultCode>"
        b"<ResultMessageCode>18001</ResultMessageCode>"
        b"<ResultDescription>AmazonOrderID is empty.</ResultDescription></Result>"
        b"</ProcessingReport></Message></AmazonEnvelope>"
    )


def test_the_xml_report_parses_back_to_its_values() -> None:
    # Given results with and without additional info
    # When the report is written and parsed back
    root = fromstring(xml_report(RESULTS))

    # Then every value is where the schema puts it
    report = root.find("Message/ProcessingReport")
    assert report is not None
    assert root.findtext("Header/MerchantIdentifier") == "M_SD_42"
    assert root.findtext("MessageType") == "ProcessingReport"
    assert report.findtext("StatusCode") == "Complete"
    assert [child.text for child in report.findall("ProcessingSummary/*")] == ["3", "1", "1", "1"]
    results = [
        {element.tag: element.text for element in result.iter() if element.text}
        for result in report.findall("Result")
    ]
    assert results == [
        {
            "MessageID": "2",
            "ResultCode": "Error",
            "ResultMessageCode": "18010",
            "ResultDescription": RESULTS[0].description,
            "AmazonOrderID": ORDER,
        },
        {
            "MessageID": "3",
            "ResultCode": "Warning",
            "ResultMessageCode": "18014",
            "ResultDescription": "No CancelReason; GeneralAdjustment used.",
            "AmazonOrderID": ORDER,
            "AmazonOrderItemCode": ITEM,
            "SKU": "MUG-RED",
        },
    ]


def test_additional_info_holds_only_what_is_present() -> None:
    # Given a result with only a SKU
    result = MessageResult(4, "Error", MessageProblem.INVALID_MESSAGE, "x", sku="MUG-RED")

    # When the report is written
    data = xml_report([result])

    # Then AdditionalInfo has only the SKU
    assert b"<AdditionalInfo><SKU>MUG-RED</SKU></AdditionalInfo>" in data


def test_markup_in_descriptions_and_identifiers_is_escaped() -> None:
    # Given texts with XML's special characters
    result = MessageResult(
        1, "Error", MessageProblem.INVALID_ORDER_ID, "AmazonOrderID '<&>\"' is not an order id."
    )

    # When the report is written
    data = xml_report([result], merchant="A&B <Shop>")

    # Then they are escaped in the bytes and intact when parsed
    assert b"<ResultDescription>AmazonOrderID '&lt;&amp;&gt;\"' is not" in data
    root = fromstring(data)
    assert root.findtext("Header/MerchantIdentifier") == "A&B <Shop>"
    assert root.findtext(".//ResultDescription") == "AmazonOrderID '<&>\"' is not an order id."


def test_characters_xml_cannot_carry_are_replaced() -> None:
    # Given a description with an escape character and non-ASCII text
    result = MessageResult(1, "Error", MessageProblem.INVALID_ORDER_ID, "bad \x1b value Åsa")

    # When the report is written
    data = xml_report([result])

    # Then the report is still well-formed, with the control character replaced
    assert fromstring(data).findtext(".//ResultDescription") == "bad \ufffd value Åsa"


def test_a_rejected_report_carries_the_file_problem() -> None:
    # Given a fatal feed's summary and its one result
    summary = ReportSummary("50001018801", "Rejected", 0, 0, 0, 0)
    result = MessageResult(0, "Error", FileProblem.MALFORMED, "The XML is not well-formed.")

    # When the report is written
    root = fromstring(xml_report([result], summary))

    # Then the status and the code are the rejection's
    assert root.findtext(".//StatusCode") == "Rejected"
    assert root.findtext(".//ResultMessageCode") == "5000"


def test_results_are_written_as_they_are_produced() -> None:
    # Given an output and results that check the output as they are pulled
    out = io.BytesIO()

    def results() -> Iterator[MessageResult]:
        yield RESULTS[0]
        assert RESULTS[0].description.encode() in out.getvalue()
        yield RESULTS[1]

    # When the report is written
    write_processing_report_xml(out, merchant_identifier="M", summary=SUMMARY, results=results())

    # Then the first result was out before the second was produced, and both are there
    assert out.getvalue().count(b"<Result>") == 2


def test_the_writer_leaves_the_output_open() -> None:
    # Given an output stream
    out = io.BytesIO()

    # When a report is written to it
    write_processing_report_xml(out, merchant_identifier="M", summary=SUMMARY, results=[])

    # Then the caller can still use it
    assert not out.closed
    out.seek(0)
    assert out.read(5) == b"<?xml"


def test_a_result_code_outside_the_schema_is_refused() -> None:
    # Given a result code the report schema does not have
    # When the result is made
    # Then it is refused at once, before any report is half written
    with pytest.raises(ValueError, match="result_code must be Error or Warning, not 'Fatal'"):
        MessageResult(1, "Fatal", FileProblem.MALFORMED, "x")


def test_a_status_outside_the_schema_is_refused() -> None:
    # Given a status this writer does not report
    # When the summary is made
    # Then it is refused
    with pytest.raises(ValueError, match="status_code must be Complete or Rejected"):
        ReportSummary("1", "Processing", 0, 0, 0, 0)


# --- TSV ---------------------------------------------------------------------------------------


def test_the_tsv_report_is_the_flat_file_shape() -> None:
    # Given the summary and results
    # When the flat-file report is written
    report = tsv_report(RESULTS)

    # Then it is exactly the marketplace's flat-file processing report
    assert report == (
        "Feed Processing Summary:\n"
        "\tNumber of records processed\t3\n"
        "\tNumber of records successful\t1\n"
        "\n"
        "original-record-number\torder-id\torder-item-id\terror-code\terror-type\terror-message\n"
        f"2\t{ORDER}\t\t18010\tError\t{RESULTS[0].description}\n"
        f"3\t{ORDER}\t{ITEM}\t18014\tWarning\tNo CancelReason; GeneralAdjustment used.\n"
    )


def test_tabs_and_line_breaks_in_descriptions_become_spaces() -> None:
    # Given a description with a tab, line breaks and a Unicode line separator
    result = MessageResult(5, "Error", MessageProblem.INVALID_REASON, "a\tb\r\nc\nd\u2028e")

    # When the flat-file report is written
    report = tsv_report([result])

    # Then the row stays one line of six cells
    assert report.splitlines()[-1] == "5\t\t\t18003\tError\ta b  c d e"


def test_the_tsv_report_without_results_still_has_its_header() -> None:
    # Given a feed where everything succeeded
    summary = ReportSummary("50001018802", "Complete", 2, 2, 0, 0)

    # When the flat-file report is written
    report = tsv_report([], summary)

    # Then the table header is there with no rows
    assert report == (
        "Feed Processing Summary:\n"
        "\tNumber of records processed\t2\n"
        "\tNumber of records successful\t2\n"
        "\n"
        "original-record-number\torder-id\torder-item-id\terror-code\terror-type\terror-message\n"
    )


def test_the_tsv_report_is_utf8() -> None:
    # Given a description quoting a Swedish value
    result = MessageResult(2, "Error", MessageProblem.INVALID_ORDER_ID, "order-id 'Ö03' is bad.")

    # When the flat-file report is written
    out = io.BytesIO()
    write_processing_report_tsv(out, summary=SUMMARY, results=[result])

    # Then it is encoded as UTF-8
    assert "order-id 'Ö03' is bad.\n".encode() in out.getvalue()
