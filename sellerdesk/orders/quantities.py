"""Units asked of an order's items, checked against what is still unshipped: shared by shipment
confirmation and cancellation, which may each take only unshipped units."""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellerdesk.core.errors import ErrorCode, InvalidInput
from sellerdesk.orders.models import Order, OrderItem

ABOVE_UNSHIPPED = {
    "ship": gettext_lazy("Item %(item)s: %(count)d to ship but only %(unshipped)d unshipped."),
    "cancel": gettext_lazy("Item %(item)s: %(count)d to cancel but only %(unshipped)d unshipped."),
}


def unshipped_units(
    *,
    order: Order,
    items: list[OrderItem],
    quantities: Mapping[str, int | None] | None,
    action: str,
) -> dict[str, int]:
    """Units per order item id: every unshipped unit when `quantities` is None, and for an item
    asked with None, all of its unshipped units. Raises on unknown items, negative counts and
    counts above what is unshipped."""
    unshipped = {item.order_item_id: item.quantity_unshipped for item in items}
    if quantities is None:
        return unshipped
    unknown = sorted(set(quantities) - set(unshipped))
    if unknown:
        raise InvalidInput(
            _("Not items of order %(order_id)s: %(items)s.")
            % {"order_id": order.amazon_order_id, "items": ", ".join(unknown)},
            code=ErrorCode.UNKNOWN_ITEM,
        )
    units = {}
    for item_id, count in quantities.items():
        count = unshipped[item_id] if count is None else count
        if count < 0:
            raise InvalidInput(_("Quantities cannot be negative."), code=ErrorCode.INVALID_QUANTITY)
        if count > unshipped[item_id]:
            raise InvalidInput(
                str(ABOVE_UNSHIPPED[action])
                % {"item": item_id, "count": count, "unshipped": unshipped[item_id]},
                code=ErrorCode.QUANTITY_ABOVE_UNSHIPPED,
            )
        units[item_id] = count
    return units
