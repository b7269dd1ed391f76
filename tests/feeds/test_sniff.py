import codecs

import pytest

from sellerdesk.feeds.parsers.sniff import is_xml

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope/>'


@pytest.mark.parametrize(
    "head",
    [
        DECLARATION.encode(),
        codecs.BOM_UTF8 + DECLARATION.encode(),
        codecs.BOM_UTF16_LE + DECLARATION.replace("UTF-8", "UTF-16").encode("utf-16-le"),
        codecs.BOM_UTF16_BE + DECLARATION.replace("UTF-8", "UTF-16").encode("utf-16-be"),
        b"<!-- exported by the seller's system -->\n<AmazonEnvelope/>",
        b"\r\n\t  <AmazonEnvelope/>",
        b"<AmazonEnvelope xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>",
        b"<?xml-stylesheet href='a.xsl'?><AmazonEnvelope/>",
    ],
    ids=["declaration", "utf8-bom", "utf16-le", "utf16-be", "comment", "whitespace", "root", "pi"],
)
def test_xml_is_recognised_in_every_encoding_and_start_it_may_have(head: bytes) -> None:
    assert is_xml(head)


@pytest.mark.parametrize(
    "head",
    [
        b"order-id\tcancellation-reason-code\tamazon-order-item-code\n",
        codecs.BOM_UTF8 + b"TemplateType=OrderCancellation\tVersion=1.0\n",
        b"sku\tprice\tquantity\n",
        b"PK\x03\x04\x14\x00\x06\x00",  # .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # .xls
        codecs.BOM_UTF16_LE + "order-id\tcancellation-reason-code\n".encode("utf-16-le"),
        b"",
        b"   \n",
    ],
    ids=["flat", "flat-bom", "inventory", "xlsx", "xls", "utf16-flat", "empty", "blank"],
)
def test_flat_files_workbooks_and_empty_files_are_not_xml(head: bytes) -> None:
    assert not is_xml(head)
