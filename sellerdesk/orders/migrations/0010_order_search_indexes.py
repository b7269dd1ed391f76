"""Trigram indexes for Manage Orders' search (sellerdesk/orders/search.py).

SQLite: an FTS5 table with the trigram tokenizer over the orders' buyer names and order ids,
its content read from orders_order (external content: nothing is stored twice), kept in step
by triggers, so that every writer (the ORM, bulk inserts, raw SQL) updates it in its own
transaction. PostgreSQL: pg_trgm GIN indexes on the same two columns.

A later migration that makes SQLite rebuild orders_order (Django copies the table to alter a
column) drops these triggers with the old table: it must create them again, with
SQLITE_TRIGGERS, and rebuild the index ('rebuild'). tests/test_order_search.py checks that they
exist after all migrations.
"""

from django.db import migrations

SQLITE_TABLE = [
    "CREATE VIRTUAL TABLE orders_order_search USING fts5("
    "buyer_name, amazon_order_id, content='orders_order', content_rowid='id', "
    "tokenize='trigram', columnsize=0)",
]
SQLITE_TRIGGERS = [
    """CREATE TRIGGER orders_order_search_insert AFTER INSERT ON orders_order BEGIN
        INSERT INTO orders_order_search (rowid, buyer_name, amazon_order_id)
        VALUES (new.id, new.buyer_name, new.amazon_order_id);
    END""",
    """CREATE TRIGGER orders_order_search_delete AFTER DELETE ON orders_order BEGIN
        INSERT INTO orders_order_search (orders_order_search, rowid, buyer_name, amazon_order_id)
        VALUES ('delete', old.id, old.buyer_name, old.amazon_order_id);
    END""",
    """CREATE TRIGGER orders_order_search_update AFTER UPDATE OF id, buyer_name, amazon_order_id
    ON orders_order
    WHEN old.id IS NOT new.id OR old.buyer_name IS NOT new.buyer_name
        OR old.amazon_order_id IS NOT new.amazon_order_id
    BEGIN
        INSERT INTO orders_order_search (orders_order_search, rowid, buyer_name, amazon_order_id)
        VALUES ('delete', old.id, old.buyer_name, old.amazon_order_id);
        INSERT INTO orders_order_search (rowid, buyer_name, amazon_order_id)
        VALUES (new.id, new.buyer_name, new.amazon_order_id);
    END""",
]
SQLITE_REBUILD = ["INSERT INTO orders_order_search (orders_order_search) VALUES ('rebuild')"]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS orders_order_search_insert",
    "DROP TRIGGER IF EXISTS orders_order_search_delete",
    "DROP TRIGGER IF EXISTS orders_order_search_update",
    "DROP TABLE IF EXISTS orders_order_search",
]
# pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. The
# reverse leaves it installed; other objects of the database may use it.
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX order_buyer_name_trgm ON orders_order USING gin (buyer_name gin_trgm_ops)",
    "CREATE INDEX order_id_trgm ON orders_order USING gin (amazon_order_id gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS order_buyer_name_trgm",
    "DROP INDEX IF EXISTS order_id_trgm",
]
FORWARD = {"sqlite": SQLITE_TABLE + SQLITE_TRIGGERS + SQLITE_REBUILD, "postgresql": POSTGRES_CREATE}
BACKWARD = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}


def run(statements):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0009_event_feed"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
