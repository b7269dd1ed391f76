"""Every feed type Seller Desk accepts, in one registry: how its document is read, how its
messages are applied, the report it gets, whether that report names orders or SKUs, its
template, and where it sits on the upload page. Processing, the pages and the Feeds API read
the facts about a feed type from here; docs/feed-kinds.md shows how to add one.

The feed type's own label is its FeedType choice (the model field's choices); the upload page's
choices and their labels are here."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, BinaryIO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sellerdesk.accounts.permissions import Area
from sellerdesk.feeds.appliers.acknowledgement import (
    acknowledgement_empties_stock,
    acknowledgements_apply,
)
from sellerdesk.feeds.appliers.adjustment import adjustment_empties_stock, adjustments_apply
from sellerdesk.feeds.appliers.batch import Applier
from sellerdesk.feeds.appliers.inventory import inventory_apply
from sellerdesk.feeds.appliers.shipment import shipments_apply
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.parsers.acknowledgement_xml import read_order_acknowledgements
from sellerdesk.feeds.parsers.adjustment_file import (
    PAYMENT_ADJUSTMENT_TEMPLATE,
    read_payment_adjustments,
)
from sellerdesk.feeds.parsers.adjustment_xml import read_order_adjustments
from sellerdesk.feeds.parsers.cancellation_file import (
    ORDER_CANCELLATION_TEMPLATE,
    read_order_cancellations,
)
from sellerdesk.feeds.parsers.fulfillment_file import (
    SHIPMENT_CONFIRMATION_TEMPLATE,
    read_shipment_confirmations,
)
from sellerdesk.feeds.parsers.fulfillment_xml import read_order_fulfillments
from sellerdesk.feeds.parsers.inventory_file import (
    PRICE_AND_QUANTITY_TEMPLATE,
    read_inventory_updates,
)
from sellerdesk.feeds.parsers.records import RecordError


class ReportFormat(StrEnum):
    XML = "xml"  # a ProcessingReport envelope, for the XML feeds
    TSV = "tsv"  # tab-separated text, for the flat files


class MessageKey(StrEnum):
    """What a message is about, and so what its report rows name."""

    ORDER = "order"
    SKU = "sku"


@dataclass(frozen=True, slots=True)
class UploadChoice:
    """A file type on the upload page: it answers for the flat file and the XML feed alike."""

    value: str
    label: str | Promise


@dataclass(frozen=True, slots=True)
class Template:
    filename: str
    content: str


def order_key(record: Any) -> str:
    return str(record.amazon_order_id)


def sku_key(record: Any) -> str:
    return str(record.update.sku)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedKind[R]:
    feed_type: FeedType
    # What its messages change: submitting it needs View and edit there (and for a file or an
    # API feed, in Upload files and feeds too); its submitter needs them still when it runs.
    area: Area
    # Raises FeedRejected for the whole file before it yields the first record.
    read: Callable[[BinaryIO], Iterator[R | RecordError]]
    apply: Applier[R]
    report: ReportFormat
    upload: UploadChoice
    xml: bool  # the XML feed of its upload choice, or the flat file
    keyed_by: MessageKey = MessageKey.ORDER
    # What a message changes (its order, or its listing by SKU): two messages of one key apply in
    # the feed's order, even when their batches are applied by different workers.
    key: Callable[[R], str] = order_key
    # Whether a message changes stock in a way that does not commute with the feed's other
    # changes of stock (a cancellation that empties its listings): its batch is applied after
    # every batch before it, and before every batch after it.
    barrier: Callable[[Feed, R], bool] | None = None
    template: Template | None = None


CANCELLATION = UploadChoice("cancellation", _("Order cancellation"))
SHIPMENT = UploadChoice("shipment", _("Shipment confirmation"))
ADJUSTMENT = UploadChoice("adjustment", _("Order adjustment (refunds)"))
INVENTORY = UploadChoice("inventory", _("Price and quantity (inventory)"))
UPLOAD_CHOICES = (CANCELLATION, SHIPMENT, ADJUSTMENT, INVENTORY)

FEED_KINDS: tuple[FeedKind[Any], ...] = (
    FeedKind(
        feed_type=FeedType.ORDER_ACKNOWLEDGEMENT,
        area=Area.CANCELLATIONS,
        read=read_order_acknowledgements,
        apply=acknowledgements_apply,
        barrier=acknowledgement_empties_stock,
        report=ReportFormat.XML,
        upload=CANCELLATION,
        xml=True,
    ),
    FeedKind(
        feed_type=FeedType.ORDER_CANCELLATION_FILE,
        area=Area.CANCELLATIONS,
        read=read_order_cancellations,
        apply=acknowledgements_apply,
        barrier=acknowledgement_empties_stock,
        report=ReportFormat.TSV,
        upload=CANCELLATION,
        xml=False,
        template=Template("Flat.File.OrderCancellation.txt", ORDER_CANCELLATION_TEMPLATE),
    ),
    FeedKind(
        feed_type=FeedType.ORDER_FULFILLMENT,
        area=Area.ORDERS,
        read=read_order_fulfillments,
        apply=shipments_apply,
        report=ReportFormat.XML,
        upload=SHIPMENT,
        xml=True,
    ),
    FeedKind(
        feed_type=FeedType.FULFILLMENT_FILE,
        area=Area.ORDERS,
        read=read_shipment_confirmations,
        apply=shipments_apply,
        report=ReportFormat.TSV,
        upload=SHIPMENT,
        xml=False,
        template=Template("Flat.File.ShippingConfirmation.txt", SHIPMENT_CONFIRMATION_TEMPLATE),
    ),
    FeedKind(
        feed_type=FeedType.PAYMENT_ADJUSTMENT,
        area=Area.CANCELLATIONS,
        read=read_order_adjustments,
        apply=adjustments_apply,
        barrier=adjustment_empties_stock,
        report=ReportFormat.XML,
        upload=ADJUSTMENT,
        xml=True,
    ),
    FeedKind(
        feed_type=FeedType.PAYMENT_ADJUSTMENT_FILE,
        area=Area.CANCELLATIONS,
        read=read_payment_adjustments,
        apply=adjustments_apply,
        barrier=adjustment_empties_stock,
        report=ReportFormat.TSV,
        upload=ADJUSTMENT,
        xml=False,
        template=Template("Flat.File.BatchRefunds.txt", PAYMENT_ADJUSTMENT_TEMPLATE),
    ),
    FeedKind(
        feed_type=FeedType.INVENTORY_FILE,
        area=Area.INVENTORY,
        read=read_inventory_updates,
        apply=inventory_apply,
        report=ReportFormat.TSV,
        upload=INVENTORY,
        xml=False,
        keyed_by=MessageKey.SKU,
        key=sku_key,
        template=Template("Flat.File.PriceInventory.txt", PRICE_AND_QUANTITY_TEMPLATE),
    ),
)
_BY_TYPE = {kind.feed_type.value: kind for kind in FEED_KINDS}
ACCEPTED_FEED_TYPES = frozenset(_BY_TYPE)


def feed_kind(feed_type: str) -> FeedKind[Any]:
    """The kind of an accepted feed type (one in ACCEPTED_FEED_TYPES)."""
    return _BY_TYPE[feed_type]


def upload_kind(*, choice: str, xml: bool) -> FeedKind[Any] | None:
    """The kind that a file uploaded as `choice` is: its XML feed or its flat file. None when
    the choice has no such form (the inventory file has no XML feed)."""
    return next(
        (kind for kind in FEED_KINDS if kind.upload.value == choice and kind.xml == xml), None
    )


def upload_template(choice: str) -> Template | None:
    return next(
        (
            kind.template
            for kind in FEED_KINDS
            if kind.upload.value == choice and kind.template is not None
        ),
        None,
    )
