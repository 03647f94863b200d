"""What the events import remembers to go fast gives the same values and the same
refusals, line by line, as reading every cell afresh: times read once per text (with
or without an offset, in a zone with summer time, the hours the clocks skip and
repeat), identifiers, the verdicts of the row rules, the totals guard, a CSV row
without quotes, and the binary COPY that writes the events."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from articles import services
from articles.models import Event, EventKind
from interchange.imports import ImportFailed, events_import
from interchange.imports import cells as cells_module
from interchange.imports.cells import Cells
from skus.models import SKU
from tests.interchange.import_helpers import event_row, snapshot, write_csv

UTC = dt.UTC
NOW = dt.datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def vienna(settings):
    settings.TIME_ZONE = "Europe/Vienna"


@pytest.fixture
def bike(db):
    sku = SKU.objects.create(code="CITY-M", name="City bike")
    store = services.store_get_or_create(name="Main")
    common: dict[str, Any] = {"sku": sku, "store": store, "purchased_on": dt.date(2025, 1, 1)}
    return services.article_create(number="CITY-M-0001", purchase_price="800", **common)


def errors_of(tmp_path, rows) -> list[tuple[int, str, str]]:
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        events_import(path=write_csv(tmp_path, "events.csv", rows))
    assert snapshot() == before
    return sorted((error.line, error.column, error.message) for error in failure.value.errors)


# --- times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Without an offset: the wall clock of Vienna, summer (+02:00) and winter (+01:00).
        ("2025-07-01T12:00", dt.datetime(2025, 7, 1, 10, 0, tzinfo=UTC)),
        ("2025-01-15T12:00", dt.datetime(2025, 1, 15, 11, 0, tzinfo=UTC)),
        # Just before the clocks skip, and just after (the first minute that exists).
        ("2025-03-30T01:59", dt.datetime(2025, 3, 30, 0, 59, tzinfo=UTC)),
        ("2025-03-30T03:00", dt.datetime(2025, 3, 30, 1, 0, tzinfo=UTC)),
        # Just before the repeated hour (still summer), and just after it (winter).
        ("2025-10-26T01:59", dt.datetime(2025, 10, 25, 23, 59, tzinfo=UTC)),
        ("2025-10-26T03:00", dt.datetime(2025, 10, 26, 2, 0, tzinfo=UTC)),
        # With an offset, whatever the zone: never ambiguous, even in the repeated hour.
        ("2025-10-26T02:30+01:00", dt.datetime(2025, 10, 26, 1, 30, tzinfo=UTC)),
        ("2025-10-26T02:30+02:00", dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
        ("2025-07-01T12:00+05:30", dt.datetime(2025, 7, 1, 6, 30, tzinfo=UTC)),
        ("2025-07-01T12:00Z", dt.datetime(2025, 7, 1, 12, 0, tzinfo=UTC)),
        # A date alone: the start of that day on the wall clock.
        ("2025-07-01", dt.datetime(2025, 6, 30, 22, 0, tzinfo=UTC)),
    ],
)
def test_a_time_is_read_the_same_the_first_time_and_from_memory(vienna, text, expected):
    cells = Cells()

    first = cells.moment(text)
    again = cells.moment(text)

    assert first == again == expected
    assert first is not None and first.tzinfo == UTC
    assert cells.moments == {text: expected}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2025-03-30T02:30",
            "2025-03-30T02:30 does not exist in the time zone Europe/Vienna: the clocks skip "
            "that hour when they go forward. Check the time, or give it with its offset.",
        ),
        (
            "2025-10-26T02:30",
            "2025-10-26T02:30 occurs twice in the time zone Europe/Vienna, when the clocks go "
            "back; give it with its offset: 2025-10-26T02:30:00+02:00 or "
            "2025-10-26T02:30:00+01:00.",
        ),
        ("2025-02-30T10:00", "2025-02-30T10:00 is not a date in the calendar."),
    ],
)
def test_a_time_that_cannot_be_read_is_refused_every_time_and_never_remembered(
    vienna, text, message
):
    cells = Cells()

    for _ in range(2):
        with pytest.raises(ValueError) as error:
            cells.moment(text)
        assert str(error.value) == message
    assert cells.moments == {}


def test_the_memory_of_times_starts_again_when_it_is_full(vienna, monkeypatch):
    monkeypatch.setattr(cells_module, "CACHE_LIMIT", 2)
    cells = Cells()

    values = [cells.moment(f"2025-07-0{day}T12:00") for day in (1, 2, 3)]

    assert values == [dt.datetime(2025, 7, day, 10, 0, tzinfo=UTC) for day in (1, 2, 3)]
    assert cells.moments == {"2025-07-03T12:00": values[2]}


def test_a_time_to_come_is_refused_for_each_field_and_a_past_one_serves_both(vienna):
    cells = Cells()
    future = "2026-01-01T12:00"

    for field in ("occurred_at", "ended_at", "occurred_at"):
        with pytest.raises(ValidationError) as error:
            cells.past_moment(future, field=field, now=NOW)
        assert list(error.value.message_dict) == [field]
    assert future not in cells.past

    past = "2025-07-01T12:00"
    assert cells.past_moment(past, field="occurred_at", now=NOW) == cells.past_moment(
        past, field="ended_at", now=NOW
    )
    assert cells.past == {past: dt.datetime(2025, 7, 1, 10, 0, tzinfo=UTC)}


def test_times_that_cannot_be_read_are_refused_on_each_of_their_lines(vienna, bike, tmp_path):
    note = "2025-07-01T12:00"
    rows = [
        event_row("CITY-M-0001", "note", note, notes="a", reference="a"),
        event_row("CITY-M-0001", "note", "2025-03-30T02:30", notes="b", reference="b"),
        event_row("CITY-M-0001", "note", note, notes="c", reference="c"),
        event_row("CITY-M-0001", "note", "2025-03-30T02:30", notes="d", reference="d"),
        event_row("CITY-M-0001", "rental", "2025-10-26T02:30", ended_at="2025-10-26T02:30"),
    ]

    errors = errors_of(tmp_path, rows)

    skipped = "does not exist in the time zone Europe/Vienna"
    twice = "occurs twice in the time zone Europe/Vienna"
    assert [(line, column) for line, column, _ in errors] == [
        (3, "occurred_at"),
        (5, "occurred_at"),
        (6, "ended_at"),
        (6, "occurred_at"),
    ]
    assert skipped in errors[0][2] and skipped in errors[1][2]
    assert twice in errors[2][2] and twice in errors[3][2]


def test_the_same_times_on_many_rows_import_to_the_same_moments(vienna, bike, tmp_path):
    rows = [
        event_row(
            "CITY-M-0001",
            "rental",
            f"2025-07-0{day}T09:00",
            ended_at=f"2025-07-0{day + 1}T09:00",
            reference=f"R{day}",
            revenue="10",
        )
        for day in (1, 2, 3)
    ] + [event_row("CITY-M-0001", "note", "2025-07-02T09:00", notes="x")]

    events_import(path=write_csv(tmp_path, "events.csv", rows))

    rentals = Event.objects.filter(kind=EventKind.RENTAL).order_by("occurred_at")
    assert [(event.occurred_at, event.ended_at) for event in rentals] == [
        (dt.datetime(2025, 7, day, 7, tzinfo=UTC), dt.datetime(2025, 7, day + 1, 7, tzinfo=UTC))
        for day in (1, 2, 3)
    ]
    assert Event.objects.get(kind=EventKind.NOTE).occurred_at == rentals[1].occurred_at


# --- identifiers and the verdicts of the row rules ------------------------------------


def test_a_number_with_a_hidden_character_is_refused_on_each_of_its_lines(bike, tmp_path):
    hidden = "CITY-M-\u200b0001"
    rows = [
        event_row(hidden, "note", "2025-07-01T12:00", notes="a"),
        event_row("CITY-M-0001", "note", "2025-07-01T12:00", notes="b"),
        event_row(hidden, "note", "2025-07-01T13:00", notes="c"),
    ]

    errors = errors_of(tmp_path, rows)

    assert [(line, column) for line, column, _ in errors] == [
        (2, "article_number"),
        (4, "article_number"),
    ]
    assert all("invisible or control character (zero width space)" in e[2] for e in errors)


def test_rows_of_the_same_shape_are_each_refused_with_their_line(bike, tmp_path):
    rows = [
        event_row("CITY-M-0001", "inspection", "2025-07-01T12:00", revenue="5", condition="good"),
        event_row("CITY-M-0001", "income", "2025-07-01T13:00", revenue="5"),
        event_row("CITY-M-0001", "inspection", "2025-07-01T14:00", revenue="7", condition="fair"),
        event_row("CITY-M-0001", "income", "2025-07-01T15:00", revenue="-5"),
        event_row("CITY-M-0001", "income", "2025-07-01T16:00", revenue="-6"),
        event_row("CITY-M-0001", "income", "2025-07-01T17:00", revenue="0"),
    ]

    errors = errors_of(tmp_path, rows)

    assert errors == [
        (2, "revenue", "An inspection takes no revenue."),
        (4, "revenue", "An inspection takes no revenue."),
        (
            5,
            "revenue",
            "An income cannot carry a negative revenue; correct an amount with an adjustment.",
        ),
        (
            6,
            "revenue",
            "An income cannot carry a negative revenue; correct an amount with an adjustment.",
        ),
        (7, "revenue", "An income needs an amount."),
    ]


def test_totals_near_the_limit_are_still_checked_row_by_row(bike, tmp_path):
    # 9,999,999,999.99 is the most a total holds: the first rows fit, the last does not.
    rows = [
        event_row("CITY-M-0001", "income", f"2025-07-0{day}T12:00", revenue="4000000000.00")
        for day in (1, 2, 3)
    ]

    errors = errors_of(tmp_path, rows)

    assert [(line, column) for line, column, _ in errors] == [(4, "revenue")]
    assert "beyond the 9,999,999,999.99 an article's total can hold" in errors[0][2]


# --- reading the CSV and writing with a binary COPY -----------------------------------


def test_text_with_quotes_tabs_backslashes_and_line_breaks_is_kept_as_written(bike, tmp_path):
    notes = ["it's fine", "'=1+2", "tab\there", "back\\slash", "two\nlines", "ünïcödé ✓"]
    rows = [
        event_row("CITY-M-0001", "note", f"2025-07-01T1{index}:00", notes=text, reference=text)
        for index, text in enumerate(notes)
    ]

    events_import(path=write_csv(tmp_path, "events.csv", rows))

    written = Event.objects.filter(kind=EventKind.NOTE).order_by("occurred_at")
    expected = [text.removeprefix("'") if text.startswith("'=") else text for text in notes]
    assert [event.notes for event in written] == expected
    assert [event.reference for event in written] == expected


def test_the_values_an_import_writes_are_the_values_it_read(bike, tmp_path):
    rows = [
        event_row(
            "CITY-M-0001",
            "rental",
            "2025-07-01T09:15+02:00",
            ended_at="2025-07-02T18:45+02:00",
            revenue="12.34",
            reference="R-1",
            condition="fair",
        ),
        event_row("CITY-M-0001", "adjustment", "2025-07-03T09:00Z", cost="-1.05", notes="back"),
        event_row(
            "CITY-M-0001", "rental", "2025-07-04T09:00Z", reference="R-2", due_at="2025-07-09"
        ),
    ]

    events_import(path=write_csv(tmp_path, "events.csv", rows))

    events = Event.objects.exclude(kind=EventKind.ACQUISITION).order_by("occurred_at")
    assert [
        (
            event.kind,
            event.occurred_at,
            event.ended_at,
            event.revenue,
            event.cost,
            event.downtime,
            event.condition,
            event.store_id,
            event.due_at,
            event.closed_at,
            event.source,
        )
        for event in events
    ] == [
        (
            "rental",
            dt.datetime(2025, 7, 1, 7, 15, tzinfo=UTC),
            dt.datetime(2025, 7, 2, 16, 45, tzinfo=UTC),
            Decimal("12.34"),
            Decimal("0.00"),
            False,
            "fair",
            None,
            None,
            None,
            "events.csv",
        ),
        (
            "adjustment",
            dt.datetime(2025, 7, 3, 9, 0, tzinfo=UTC),
            None,
            Decimal("0.00"),
            Decimal("-1.05"),
            False,
            "",
            None,
            None,
            None,
            "events.csv",
        ),
        (
            "rental",
            dt.datetime(2025, 7, 4, 9, 0, tzinfo=UTC),
            None,
            Decimal("0.00"),
            Decimal("0.00"),
            False,
            "",
            None,
            dt.datetime(2025, 7, 9, 0, 0, tzinfo=UTC),
            None,
            "events.csv",
        ),
    ]
