"""Record what the charges written before ChargedItem existed took per item: every component of
every item in full (the charge was the order total, even for units cancelled before it). The
charges themselves are left as they were; docs/refunds.md says what this means for those
orders."""

from itertools import batched

from django.db import migrations

BATCH = 2000


def record_earlier_charges(apps, schema_editor):
    OrderItem = apps.get_model("orders", "OrderItem")
    ChargedItem = apps.get_model("refunds", "ChargedItem")
    rows = (
        OrderItem.objects.filter(order__charge__isnull=False, charged__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "order__charge__pk",
            "quantity_ordered",
            "item_price",
            "shipping_price",
            "item_tax",
            "shipping_tax",
        )
    )
    for chunk in batched(rows.iterator(chunk_size=BATCH), BATCH):
        ChargedItem.objects.bulk_create(
            ChargedItem(
                order_item_id=item_pk,
                charge_id=charge_pk,
                quantity=ordered,
                principal=principal,
                shipping=shipping,
                tax=tax,
                shipping_tax=shipping_tax,
            )
            for item_pk, charge_pk, ordered, principal, shipping, tax, shipping_tax in chunk
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_event_feed"),
        ("refunds", "0003_charged_item"),
    ]

    operations = [
        migrations.RunPython(record_earlier_charges, migrations.RunPython.noop, elidable=True),
    ]
