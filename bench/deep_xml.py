"""One Order Acknowledgement message nested 200,000 elements deep (about 1.4 MB), written to a
temporary file and read by the public XML reader, as a feed worker would:

    .venv/bin/python -m bench.deep_xml

It prints the outcome; time it from outside (`time`, or `/usr/bin/time -v` for the peak memory).
The reader refuses the file FATAL (NESTED_TOO_DEEP) as soon as it passes MAX_DEPTH, before any
message is gathered; an unbounded reader took about 120 s over it."""

import os
import tempfile

import django

DEPTH = 200_000


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from sellerdesk.feeds.parsers.acknowledgement_xml import read_order_acknowledgements
    from sellerdesk.feeds.parsers.records import FeedRejected

    with tempfile.TemporaryFile() as source:
        source.write(
            b'<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope><Header>'
            b"<DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>M</MerchantIdentifier>"
            b"</Header><MessageType>OrderAcknowledgement</MessageType><Message>"
            b"<MessageID>1</MessageID><OrderAcknowledgement>"
            + b"<x>" * DEPTH
            + b"</x>" * DEPTH
            + b"</OrderAcknowledgement></Message></AmazonEnvelope>\n"
        )
        size = source.tell()
        source.seek(0)
        try:
            records = sum(1 for _ in read_order_acknowledgements(source))
        except FeedRejected as rejected:
            print(f"{size:,} bytes, {DEPTH:,} deep: rejected, {rejected}")
        else:
            print(f"{size:,} bytes, {DEPTH:,} deep: read, {records} record(s)")


if __name__ == "__main__":
    main()
