"""The registry of feed kinds: one complete entry per feed type, and the upload page's table."""

import re

from sellerdesk.feeds.kinds import (
    ACCEPTED_FEED_TYPES,
    FEED_KINDS,
    UPLOAD_CHOICES,
    MessageKey,
    ReportFormat,
    feed_kind,
    upload_kind,
    upload_template,
)
from sellerdesk.feeds.models import FeedType
from sellerdesk.web.forms import UploadForm


def test_every_feed_type_has_exactly_one_complete_entry():
    feed_types = [kind.feed_type for kind in FEED_KINDS]

    assert sorted(feed_types) == sorted(FeedType)
    assert set(FeedType.values) == ACCEPTED_FEED_TYPES
    for kind in FEED_KINDS:
        assert callable(kind.read), kind.feed_type
        assert callable(kind.apply), kind.feed_type
        assert kind.report in set(ReportFormat), kind.feed_type
        assert feed_kind(kind.feed_type) is kind


def test_xml_feeds_get_xml_reports_and_flat_files_tab_separated_ones_with_a_template():
    forms = {(kind.xml, kind.report, kind.template is not None) for kind in FEED_KINDS}

    assert forms == {(True, ReportFormat.XML, False), (False, ReportFormat.TSV, True)}


def test_only_the_inventory_file_names_skus():
    by_sku = [kind.feed_type for kind in FEED_KINDS if kind.keyed_by is MessageKey.SKU]

    assert by_sku == [FeedType.INVENTORY_FILE]


def test_the_upload_page_picks_the_feed_type_by_choice_and_form():
    table = {
        (choice.value, xml): getattr(upload_kind(choice=choice.value, xml=xml), "feed_type", None)
        for choice in UPLOAD_CHOICES
        for xml in (True, False)
    }

    assert table == {
        ("cancellation", True): FeedType.ORDER_ACKNOWLEDGEMENT,
        ("cancellation", False): FeedType.ORDER_CANCELLATION_FILE,
        ("shipment", True): FeedType.ORDER_FULFILLMENT,
        ("shipment", False): FeedType.FULFILLMENT_FILE,
        ("adjustment", True): FeedType.PAYMENT_ADJUSTMENT,
        ("adjustment", False): FeedType.PAYMENT_ADJUSTMENT_FILE,
        ("inventory", True): None,
        ("inventory", False): FeedType.INVENTORY_FILE,
    }
    assert upload_kind(choice="nope", xml=False) is None


def test_the_upload_form_offers_the_registrys_choices_and_each_has_a_template():
    offered = re.findall(r'<option value="(\w+)"', str(UploadForm()["file_type"]))

    assert offered == ["cancellation", "shipment", "adjustment", "inventory"]
    assert [upload_template(value) is not None for value in offered] == [True] * 4
    assert upload_template("nope") is None
