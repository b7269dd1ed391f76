"""The one page token of every keyset-paged list: what it carries back, and what it refuses."""

import datetime
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from django.core import signing

from sellerdesk.core.pages import (
    SALT,
    PageTokenInvalid,
    Position,
    page_token_decode,
    page_token_encode,
)

UTC = datetime.UTC
CET = datetime.timezone(datetime.timedelta(hours=1))
AT = Position(datetime.datetime(2026, 3, 2, 9, 30, 15, 250_001, tzinfo=UTC), 42)


@dataclass(frozen=True)
class Window:
    field: Literal["purchase_date", "last_update_date"]
    since: datetime.datetime
    day: datetime.date | None
    ids: tuple[str, ...] = ()
    flag: bool = False


@dataclass(frozen=True)
class Listing:
    window: Window
    size: int
    name: str = ""


LISTING = Listing(
    window=Window(
        field="last_update_date",
        since=datetime.datetime(2026, 1, 1, 1, 0, 0, 1, tzinfo=CET),
        day=datetime.date(2026, 2, 28),
        ids=("171-5982974-5737388", "494-3034604-4756295"),
        flag=True,
    ),
    size=7,
    name="Märta 漢字",
)


def encode(listing: object = LISTING, *, after: Position = AT, kind: str = "a", seller: int = 1):
    return page_token_encode(kind=kind, seller_id=seller, listing=listing, after=after)


def decode(token: str, *, kind: str = "a", seller: int = 1, listing: type[Any] = Listing):
    return page_token_decode(token, kind=kind, seller_id=seller, listing=listing)


def signed(state: object) -> str:
    """A token as only the server can make one: whatever it holds is signed."""
    return signing.dumps(state, salt=SALT, compress=True)


def test_a_token_gives_back_the_listing_and_the_position():
    listing, after = decode(encode())

    assert (listing, after) == (LISTING, AT)
    assert listing.window.since.utcoffset() == datetime.timedelta(0)
    assert listing.window.since.microsecond == 1
    assert after.key.microsecond == 250_001


def test_a_listing_without_optional_values_round_trips():
    bare = Listing(window=Window(field="purchase_date", since=AT.key, day=None), size=1)

    assert decode(encode(bare)) == (bare, AT)


def test_a_tampered_token_is_refused():
    token = encode()
    payload, signature = token.rsplit(":", 1)
    flipped = payload[:-3] + ("A" if payload[-3] != "A" else "B") + payload[-2:]

    for tampered in (f"{flipped}:{signature}", token[:-2] + "xx", token + "x", "", "nope"):
        with pytest.raises(PageTokenInvalid):
            decode(tampered)


def test_a_token_signed_for_something_else_is_refused():
    token = signing.dumps(signing.loads(encode(), salt=SALT), salt="another.salt", compress=True)

    with pytest.raises(PageTokenInvalid):
        decode(token)


def test_another_sellers_token_is_refused():
    with pytest.raises(PageTokenInvalid, match="Another seller's token"):
        decode(encode(seller=1), seller=2)


def test_a_token_of_another_kind_of_list_is_refused():
    with pytest.raises(PageTokenInvalid, match="A token of 'feeds', not of 'orders'"):
        decode(encode(kind="feeds"), kind="orders")


def test_a_token_of_another_listing_type_is_refused():
    with pytest.raises(PageTokenInvalid):
        decode(encode(), listing=Window)


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(1, 1, 1, tzinfo=UTC),
        datetime.datetime(1, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime.datetime(9999, 1, 1, tzinfo=UTC),
        datetime.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ],
)
def test_a_position_at_the_ends_of_time_is_refused(moment):
    token = encode(after=Position(moment, 1))

    with pytest.raises(PageTokenInvalid, match="not a time in UTC in the range"):
        decode(token)


@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_a_date_at_the_ends_of_time_is_refused(day):
    listing = Listing(window=Window(field="purchase_date", since=AT.key, day=day), size=1)

    with pytest.raises(PageTokenInvalid):
        decode(encode(listing))


def test_the_first_and_last_times_of_the_range_are_held():
    first = Position(datetime.datetime(2, 1, 1, tzinfo=UTC), 1)
    last = Position(datetime.datetime(9998, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), 2)

    assert decode(encode(after=first))[1] == first
    assert decode(encode(after=last))[1] == last


def fields(**changes: object) -> dict[str, object]:
    window: dict[str, object] = {
        "field": "purchase_date",
        "since": "2026-01-01T00:00:00+00:00",
        "day": None,
        "ids": [],
        "flag": False,
    }
    return {"window": window | changes, "size": 1, "name": ""}


def state(**changes: object) -> dict[str, object]:
    return {
        "kind": "a",
        "seller": 1,
        "listing": fields(),
        "after": ["2026-03-02T09:30:15+00:00", 42],
    } | changes


@pytest.mark.parametrize(
    "forged",
    [
        {"seller": 1},
        [1, 2],
        "a",
        state(extra=1),
        state(seller=True),
        state(seller="1"),
        state(after=["2026-03-02T09:30:15+00:00"]),
        state(after=["2026-03-02T09:30:15+00:00", "42"]),
        state(after=["2026-03-02T09:30:15+00:00", 42.0]),
        state(after=["2026-03-02T09:30:15", 42]),  # no zone
        state(after=["2026-03-02T10:30:15+01:00", 42]),  # not in UTC
        state(after=["2026-03-02", 42]),
        state(after=["0001-01-01T00:00:00+00:00", 42]),
        state(after=["9999-12-31T00:00:00+00:00", 42]),
        state(after=["yesterday", 42]),
        state(after=[None, 42]),
        state(after={"key": "2026-03-02T09:30:15+00:00", "pk": 42}),
        state(listing=fields(field="created_at")),
        state(listing=fields(since="2026-01-01T01:00:00+01:00")),
        state(listing=fields(since=1_767_225_600)),
        state(listing=fields(day="2026-02-30")),
        state(listing=fields(day="0001-01-01")),
        state(listing=fields(ids="171-5982974-5737388")),
        state(listing=fields(ids=[1, 2])),
        state(listing=fields(flag=1)),
        state(listing=fields(extra=1)),
        state(listing={**fields(), "size": True}),
        state(listing={"window": None, "size": 1, "name": ""}),
        state(listing=[]),
    ],
)
def test_a_signed_token_that_does_not_hold_a_listing_is_refused(forged):
    with pytest.raises(PageTokenInvalid):
        decode(signed(forged))


def test_the_well_formed_state_of_those_cases_is_held():
    listing, after = decode(signed(state()))

    assert listing == Listing(
        window=Window(
            field="purchase_date", since=datetime.datetime(2026, 1, 1, tzinfo=UTC), day=None
        ),
        size=1,
    )
    assert after == Position(datetime.datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC), 42)


def test_a_listing_that_is_not_a_dataclass_cannot_be_encoded():
    with pytest.raises(TypeError):
        encode({"size": 1})


def test_a_time_without_a_zone_cannot_be_encoded():
    with pytest.raises(TypeError):
        encode(after=Position(datetime.datetime(2026, 3, 2), 1))
