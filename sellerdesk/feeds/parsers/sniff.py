"""What kind of file a feed document is, from its first bytes: XML or not. One answer for every
route (the upload page chooses the feed type by it; the Feeds API is told the type and its
parser reads the same bytes the same way).

XML is recognised as expat reads it: after a byte-order mark (UTF-8, or UTF-16 in either byte
order), white space, then markup: a declaration, a comment, a processing instruction or an
element. A flat file never starts with "<"; a file that does and is not XML is refused by the
XML parser with what is wrong with it."""

import codecs

HEAD_BYTES = 1024  # enough for a BOM, an XML declaration and leading white space
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_WHITESPACE = " \t\r\n"


def is_xml(head: bytes) -> bool:
    """Whether a document that starts with `head` (its first HEAD_BYTES or fewer) is XML."""
    encoding = "utf-8"
    for bom, bom_encoding in _BOMS:
        if head.startswith(bom):
            head, encoding = head[len(bom) :], bom_encoding
            break
    text = codecs.getincrementaldecoder(encoding)("replace").decode(head)
    return text.lstrip(_XML_WHITESPACE).startswith("<")
