import django.db.models.deletion
from django.db import migrations, models

# Each event's seller is its order's: filled in from the orders, then required.
BACKFILL = """
UPDATE orders_orderevent SET seller_id = (
    SELECT seller_id FROM orders_order WHERE orders_order.id = orders_orderevent.order_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_seller_rate_alert_sent_at"),
        ("orders", "0012_ship_by_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="seller",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.seller",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="orderevent",
            name="seller",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.seller",
            ),
        ),
        migrations.AddIndex(
            model_name="orderevent",
            index=models.Index(fields=["seller", "-created_at", "-id"], name="event_seller_recent"),
        ),
        migrations.AddIndex(
            model_name="orderevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor", "-created_at", "-id"],
                name="event_actor_recent",
            ),
        ),
    ]
