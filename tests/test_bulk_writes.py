"""core.bulk writes rows as QuerySet.bulk_create and bulk_update do, through a few of Django's
private APIs. These tests pin both: the private names and signatures it calls, so that a Django
upgrade that changes them fails here with a clear message instead of somewhere in a feed, and
the rows it writes, compared with the ORM's own on the same objects."""

import inspect
from typing import Any

import pytest
from django.db import connection
from django.db.models import Field, Model
from django.db.models.base import ModelState

from sellerdesk.core.bulk import rows_insert, rows_update
from sellerdesk.orders.models import Order, OrderEvent
from tests.factories import make_order, make_seller, make_user


def review(name: str) -> str:
    return (
        f"Django changed {name}, which sellerdesk/core/bulk.py uses to repeat steps of "
        "QuerySet.bulk_create and bulk_update: review rows_insert and rows_update against the "
        "new Django's, then this test."
    )


def parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_private_django_apis_that_bulk_writes_use_are_as_reviewed() -> None:
    expected = {
        "Model._prepare_related_fields_for_save": (
            parameters(Model.__dict__["_prepare_related_fields_for_save"]),
            ["self", "operation_name", "fields"],
        ),
        "Options.db_returning_fields": (
            list(OrderEvent._meta.db_returning_fields),
            [OrderEvent._meta.pk],
        ),
        "ModelState": ((ModelState.adding, ModelState.db), (True, None)),
        "DatabaseOperations.bulk_batch_size": (
            parameters(connection.ops.bulk_batch_size),
            ["fields", "objs"],
        ),
        "Field.has_db_default": (parameters(Field.has_db_default), ["self"]),
        "Field.pre_save": (parameters(Field.pre_save), ["self", "model_instance", "add"]),
    }
    for name, (found, reviewed) in expected.items():
        assert found == reviewed, review(name)
    assert isinstance(connection.features.can_return_rows_from_bulk_insert, bool), review(
        "DatabaseFeatures.can_return_rows_from_bulk_insert"
    )


def new_events(order: Order, actor: Any, count: int) -> list[OrderEvent]:
    return [
        OrderEvent(
            order=order,
            seller_id=order.seller_id,
            kind=OrderEvent.Kind.CANCELLED,
            source=OrderEvent.Source.FEED,
            actor=actor if number % 2 else None,
            reason="NoInventory",
            memo=f"rad {number} — å",
            data={"items": [{"sku": "NH-1", "quantity": number}], "nested": {"ok": True}},
        )
        for number in range(count)
    ]


def stored(pks: list[int]) -> list[dict[str, Any]]:
    rows = OrderEvent.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in {"id", "created_at"}} for row in rows]


@pytest.mark.django_db
def test_rows_insert_writes_the_rows_that_bulk_create_writes_and_sets_their_keys() -> None:
    seller = make_seller()
    order, actor = make_order(seller), make_user(seller)
    before = OrderEvent.objects.count()

    by_orm = OrderEvent.objects.bulk_create(new_events(order, actor, 600))
    by_rows = rows_insert(OrderEvent, new_events(order, actor, 600))

    assert OrderEvent.objects.count() == before + 1200
    assert stored([event.pk for event in by_rows]) == stored([event.pk for event in by_orm])
    assert all(event.pk is not None and not event._state.adding for event in by_rows)
    assert {event._state.db for event in by_rows} == {"default"}
    assert [event.pk for event in by_rows] == sorted(event.pk for event in by_rows)
    assert all(event.created_at is not None for event in by_rows)  # auto_now_add's pre_save
    event = by_rows[-1]
    event.refresh_from_db()
    assert event.data["items"][0]["quantity"] == 599


@pytest.mark.django_db
def test_rows_insert_refuses_an_unsaved_related_object_as_bulk_create_does() -> None:
    seller = make_seller()
    unsaved = Order(seller=seller)
    before = OrderEvent.objects.count()

    with pytest.raises(ValueError, match="unsaved related object 'order'"):
        rows_insert(OrderEvent, new_events(unsaved, None, 1))

    assert OrderEvent.objects.count() == before


@pytest.mark.django_db
def test_rows_update_writes_what_bulk_update_writes() -> None:
    seller = make_seller()
    order = make_order(seller)
    events = rows_insert(OrderEvent, new_events(order, None, 4))
    twins = rows_insert(OrderEvent, new_events(order, None, 4))
    for number, (event, twin) in enumerate(zip(events, twins, strict=True)):
        event.memo = twin.memo = f"ändrad {number}"
        event.data = twin.data = {"changed": number}

    rows_update(OrderEvent, events, ["memo", "data"])
    OrderEvent.objects.bulk_update(twins, ["memo", "data"])

    assert stored([event.pk for event in events]) == stored([twin.pk for twin in twins])
    assert stored([events[2].pk])[0]["memo"] == "ändrad 2"
