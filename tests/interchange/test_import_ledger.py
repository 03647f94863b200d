"""The import keeps the ledger's rules: what has happened, due dates, one moment per
time, corrections, append-only closing, who imported what, look-alike codes, totals
that fit, and no value dropped."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import services
from articles.models import Article, Event, EventKind, Status, Store
from interchange.imports import ImportFailed, articles_import, events_import
from interchange.operators import SYSTEM_USERNAME
from skus.models import SKU
from tests.factories import UserFactory
from tests.helpers import delete_events
from tests.interchange.import_helpers import (
    at,
    event_row,
    snapshot,
    write_csv,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def bike(db):
    sku = SKU.objects.create(code="CITY-M", name="City bike")
    store = services.store_get_or_create(name="Main")
    common: dict[str, Any] = {"sku": sku, "store": store, "purchased_on": dt.date(2025, 1, 1)}
    services.article_create(number="CITY-M-0002", purchase_price="600", **common)
    return services.article_create(number="CITY-M-0001", purchase_price="800", **common)


def imported(tmp_path, rows, name="events.csv", **options):
    return events_import(path=write_csv(tmp_path, name, rows), **options)


def refused(tmp_path, rows, *, line: int, column: str, match: str, importer=events_import):
    name = "events.csv" if importer is events_import else "articles.csv"
    path = write_csv(tmp_path, name, rows)
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        importer(path=path)
    assert snapshot() == before
    errors = failure.value.errors
    assert any(
        error.line == line and error.column == column and match in error.message for error in errors
    ), "\n".join(str(error) for error in errors)


def rental(**fields):
    return event_row("CITY-M-0001", "rental", "2025-05-01T10:00", reference="R1", **fields)


# --- due dates ----------------------------------------------------------------------


def test_due_at_is_imported_on_an_open_usage_and_may_lie_in_the_future(bike, tmp_path):
    due = timezone.now() + dt.timedelta(days=30)

    imported(tmp_path, [rental(due_at=due.isoformat())])

    assert Event.objects.get(kind=EventKind.RENTAL).due_at == due


def test_due_at_is_imported_on_an_open_downtime(bike, tmp_path):
    row = event_row("CITY-M-0001", "repair", "2025-05-01", status="out_of_use", due_at="2025-05-04")

    imported(tmp_path, [row])

    assert Event.objects.get(kind=EventKind.REPAIR).due_at == dt.datetime(2025, 5, 4, tzinfo=UTC)


def test_a_file_without_due_at_imports_as_before(bike, tmp_path):
    columns = ["article_number", "kind", "occurred_at", "reference"]
    path = write_csv(tmp_path, "events.csv", [rental()], columns=columns)

    assert events_import(path=path).added == 1


def test_due_at_before_the_start_is_refused(bike, tmp_path):
    refused(
        tmp_path,
        [rental(due_at="2025-04-30T10:00")],
        line=2,
        column="due_at",
        match="The due date (30 Apr 2025 10:00) is before the start (1 May 2025 10:00).",
    )


def test_due_at_on_a_kind_that_is_never_open_is_refused(bike, tmp_path):
    row = event_row("CITY-M-0001", "income", "2025-05-01", revenue="5", due_at="2025-05-02")

    refused(tmp_path, [row], line=2, column="due_at", match="An income takes no due date")


def test_due_at_on_service_work_without_downtime_is_refused(bike, tmp_path):
    row = event_row("CITY-M-0001", "cleaning", "2025-05-01", due_at="2025-05-02")

    refused(tmp_path, [row], line=2, column="due_at", match="only with downtime")


def test_export_writes_due_at_last_and_it_imports_back(bike, tmp_path):
    imported(tmp_path, [rental(due_at="2025-05-08T10:00")])
    path = tmp_path / "export.csv"
    call_command("export_events", str(path))
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    assert header.endswith(",notes,due_at")
    assert [line for line in lines if ",rental," in line][0].endswith(
        ",R1,,,,,2025-05-08T10:00:00+00:00"
    )

    result = events_import(path=path)

    assert (result.added, result.skipped) == (0, 3)


# --- what has happened, and when ----------------------------------------------------


def test_a_start_in_the_future_is_refused(bike, tmp_path):
    soon = (timezone.now() + dt.timedelta(minutes=5)).isoformat()

    refused(
        tmp_path,
        [event_row("CITY-M-0001", "note", soon, notes="x")],
        line=2,
        column="occurred_at",
        match="is in the future; the ledger records what has happened.",
    )


def test_a_minute_of_clock_difference_is_allowed(bike, tmp_path):
    almost = (timezone.now() + dt.timedelta(seconds=30)).isoformat()

    assert imported(tmp_path, [event_row("CITY-M-0001", "note", almost, notes="x")]).added == 1


def test_an_end_in_the_future_is_refused_with_the_way_to_plan_it(bike, tmp_path):
    later = (timezone.now() + dt.timedelta(days=2)).isoformat()

    refused(
        tmp_path,
        [rental(ended_at=later)],
        line=2,
        column="ended_at",
        match="Put when it is planned to end in the due date.",
    )


def test_a_moment_before_1970_is_refused(bike, tmp_path):
    refused(
        tmp_path,
        [event_row("CITY-M-0001", "note", "1969-12-31T10:00", notes="x")],
        line=2,
        column="occurred_at",
        match="is before 1970; check the year.",
    )


@pytest.mark.parametrize("day", ["1899-12-31", "2999-01-01"])
def test_a_purchase_date_outside_1900_to_today_is_refused(db, tmp_path, day):
    row = {"number": "X-1", "sku_code": "CITY", "store": "Main", "purchased_on": day}

    refused(
        tmp_path,
        [row],
        line=2,
        column="purchased_on",
        match=f"The purchase date ({day}) must lie between 1900-01-01 and today",
        importer=articles_import,
    )


def test_a_time_the_clocks_skip_is_refused(bike, tmp_path, settings):
    settings.TIME_ZONE = "Europe/Vienna"

    refused(
        tmp_path,
        [event_row("CITY-M-0001", "note", "2025-03-30T02:30", notes="x")],
        line=2,
        column="occurred_at",
        match="2025-03-30T02:30 does not exist in the time zone Europe/Vienna",
    )


def test_a_time_the_clocks_repeat_is_refused_without_an_offset(bike, tmp_path, settings):
    settings.TIME_ZONE = "Europe/Vienna"

    refused(
        tmp_path,
        [event_row("CITY-M-0001", "note", "2025-10-26T02:30", notes="x")],
        line=2,
        column="occurred_at",
        match="occurs twice in the time zone Europe/Vienna, when the clocks go back; give it "
        "with its offset: 2025-10-26T02:30:00+02:00 or 2025-10-26T02:30:00+01:00.",
    )


def test_a_time_the_clocks_repeat_is_read_with_its_offset(bike, tmp_path, settings):
    settings.TIME_ZONE = "Europe/Vienna"

    imported(tmp_path, [event_row("CITY-M-0001", "note", "2025-10-26T02:30+01:00", notes="x")])

    assert Event.objects.get(kind=EventKind.NOTE).occurred_at == dt.datetime(
        2025, 10, 26, 1, 30, tzinfo=UTC
    )


# --- corrections --------------------------------------------------------------------


def test_an_adjustment_takes_money_back_and_exports_and_imports_the_same(bike, tmp_path):
    row = event_row("CITY-M-0001", "adjustment", "2025-05-02", revenue="-12.50", cost="-3")
    imported(tmp_path, [event_row("CITY-M-0001", "income", "2025-05-01", revenue="20"), row])
    bike.refresh_from_db()
    assert (bike.total_revenue, bike.total_expenses) == (Decimal("7.50"), Decimal("-3.00"))
    path = tmp_path / "export.csv"
    call_command("export_events", str(path))
    assert ",adjustment,2025-05-02T00:00:00+00:00,,-12.50,-3.00," in path.read_text()
    delete_events(Event.objects.filter(kind=EventKind.ADJUSTMENT))

    events_import(path=path)

    adjustment = Event.objects.get(kind=EventKind.ADJUSTMENT)
    assert (adjustment.revenue, adjustment.cost) == (Decimal("-12.50"), Decimal("-3.00"))


def test_a_negative_amount_on_any_other_kind_is_refused(bike, tmp_path):
    refused(
        tmp_path,
        [rental(ended_at="2025-05-02T10:00", revenue="-1")],
        line=2,
        column="revenue",
        match="A rental cannot carry a negative revenue",
    )


# --- open usages and closing them ---------------------------------------------------


def test_an_open_usage_keeps_its_grade_and_grades_the_article_only_at_its_end(bike, tmp_path):
    imported(tmp_path, [rental(condition="good")])
    assert Event.objects.get(kind=EventKind.RENTAL).condition == "good"
    assert Article.objects.get(pk=bike.pk).condition == "new"

    imported(tmp_path, [rental(condition="good", ended_at="2025-05-03T10:00")], "events-2.csv")

    assert Article.objects.get(pk=bike.pk).condition == "good"


def test_the_grade_at_the_return_is_filled_in_when_it_closes(bike, tmp_path):
    imported(tmp_path, [rental(condition="good")])

    imported(tmp_path, [rental(condition="fair", ended_at="2025-05-03T10:00")], "events-2.csv")

    assert Event.objects.get(kind=EventKind.RENTAL).condition == "fair"
    assert Article.objects.get(pk=bike.pk).condition == "fair"


def test_a_usage_ended_by_a_sale_grades_the_article_as_it_went_out(bike, tmp_path):
    """As ``close_usage``: a usage's grade counts when it ends, a buy-out included."""
    sale = event_row("CITY-M-0001", "sale", "2025-05-03T10:00", revenue="500")

    imported(tmp_path, [rental(condition="fair"), sale])

    assert Event.objects.get(kind=EventKind.RENTAL).ended_at == at(3)
    assert Article.objects.get(pk=bike.pk).condition == "fair"


def test_closing_fills_in_the_end_once_and_keeps_money_and_notes_as_events(bike, tmp_path):
    operator = UserFactory.create(username="kim")
    imported(tmp_path, [rental(revenue="40", notes="Out.")])
    closing = rental(ended_at="2025-05-03T10:00", revenue="55", notes="Scratch on the frame.")

    result = imported(tmp_path, [closing], "events-2.csv", acting_user=operator)

    assert (result.added, result.updated) == (0, 1)
    usage = Event.objects.get(kind=EventKind.RENTAL)
    assert (usage.revenue, usage.notes, usage.ended_at) == (Decimal("40.00"), "Out.", at(3))
    assert (usage.closed_by, usage.closed_by_name) == (operator, "kim")
    assert usage.closed_at is not None
    kept = Event.objects.exclude(kind__in=[EventKind.RENTAL, EventKind.ACQUISITION])
    assert sorted(kept.values_list("kind", "occurred_at", "reference", "revenue", "notes")) == [
        (
            EventKind.INCOME,
            at(3),
            "R1",
            Decimal("15.00"),
            "The revenue given at the end of the rental (R1) was 55.00; 40.00 was recorded at its start.",
        ),
        (EventKind.NOTE, at(3), "R1", Decimal("0.00"), "Scratch on the frame."),
    ]
    assert Article.objects.get(pk=bike.pk).total_revenue == Decimal("55.00")


def test_less_money_at_the_close_is_an_adjustment(bike, tmp_path):
    imported(tmp_path, [rental(revenue="40")])

    imported(tmp_path, [rental(ended_at="2025-05-03T10:00", revenue="30")], "events-2.csv")

    adjustment = Event.objects.get(kind=EventKind.ADJUSTMENT)
    assert (adjustment.revenue, adjustment.reference) == (Decimal("-10.00"), "R1")
    assert Article.objects.get(pk=bike.pk).total_revenue == Decimal("30.00")


def test_a_downtime_closed_with_its_cost_keeps_the_cost_as_an_expense(bike, tmp_path):
    opening = event_row(
        "CITY-M-0001", "repair", "2025-05-01", status="out_of_use", cost="10", reference="W1"
    )
    imported(tmp_path, [opening])

    imported(
        tmp_path,
        [{**opening, "status": "", "ended_at": "2025-05-02", "cost": "35"}],
        "events-2.csv",
    )

    repair = Event.objects.get(kind=EventKind.REPAIR)
    assert (repair.cost, repair.ended_at) == (Decimal("10.00"), dt.datetime(2025, 5, 2, tzinfo=UTC))
    expense = Event.objects.get(kind=EventKind.EXPENSE)
    assert (expense.cost, expense.reference) == (Decimal("25.00"), "W1")
    assert Article.objects.get(pk=bike.pk).status == Status.ACTIVE


def test_opened_and_closed_in_one_file_gives_the_same_ledger_as_in_two(bike, tmp_path):
    rows = [rental(revenue="40"), rental(ended_at="2025-05-03T10:00", revenue="55", notes="ok")]
    imported(tmp_path, rows)
    one_file = list(
        Event.objects.filter(reference="R1")
        .order_by("occurred_at", "pk")
        .values_list("kind", "occurred_at", "ended_at", "revenue", "reference", "notes")
    )
    assert Event.objects.get(kind=EventKind.RENTAL).closed_at is not None

    before = snapshot()
    result = imported(tmp_path, rows)

    assert (result.added, result.updated, result.skipped) == (0, 0, 2)
    assert snapshot() == before
    assert one_file == [
        (EventKind.RENTAL, at(1), at(3), Decimal("40.00"), "R1", ""),
        (
            EventKind.INCOME,
            at(3),
            None,
            Decimal("15.00"),
            "R1",
            "The revenue given at the end of the rental (R1) was 55.00; 40.00 was recorded at its start.",
        ),
        (EventKind.NOTE, at(3), None, Decimal("0.00"), "R1", "ok"),
    ]


def test_a_closing_row_cannot_change_the_due_date(bike, tmp_path):
    imported(tmp_path, [rental(due_at="2025-05-05T10:00")])

    refused(
        tmp_path,
        [rental(ended_at="2025-05-03T10:00", due_at="2025-05-06T10:00")],
        line=2,
        column="due_at",
        match="The rental (R1) open since 1 May 2025 10:00 was recorded with due 5 May 2025 "
        "10:00; a row that closes it cannot change that.",
    )


def test_a_closing_row_with_a_value_its_kind_cannot_hold_is_refused(bike, tmp_path):
    imported(tmp_path, [rental()])

    refused(
        tmp_path,
        [rental(ended_at="2025-05-03T10:00", store="Depot")],
        line=2,
        column="store",
        match="A rental takes no store.",
    )


# --- who and where from -------------------------------------------------------------


def test_the_command_records_the_named_operator_and_the_file_name(bike, tmp_path):
    kim = UserFactory.create(username="kim")
    path = write_csv(tmp_path, "events-nightly.csv", [rental()])

    call_command("import_events", str(path), "--user", "kim")

    usage = Event.objects.get(kind=EventKind.RENTAL)
    assert (usage.recorded_by, usage.recorded_by_name, usage.source) == (
        kim,
        "kim",
        "events-nightly.csv",
    )


def test_the_command_records_the_system_user_who_cannot_sign_in(bike, tmp_path):
    call_command("import_events", str(write_csv(tmp_path, "events.csv", [rental()])))

    usage = Event.objects.get(kind=EventKind.RENTAL)
    assert usage.recorded_by_name == SYSTEM_USERNAME
    system = get_user_model().objects.get(username=SYSTEM_USERNAME)
    assert (system.is_active, system.has_usable_password()) == (False, False)


def test_the_articles_command_records_operator_and_file_on_the_acquisition(db, tmp_path):
    UserFactory.create(username="kim")
    row = {"number": "X-1", "sku_code": "CITY", "store": "Main", "purchased_on": "2025-01-01"}

    call_command("import_articles", str(write_csv(tmp_path, "articles.csv", [row])), "--user=kim")

    acquisition = Event.objects.get(kind=EventKind.ACQUISITION)
    assert (acquisition.recorded_by_name, acquisition.source) == ("kim", "articles.csv")


def test_an_unknown_operator_is_a_clear_error(bike, tmp_path):
    path = write_csv(tmp_path, "events.csv", [rental()])

    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("import_events", str(path), "--user", "nobody")

    assert not Event.objects.filter(kind=EventKind.RENTAL).exists()


# --- look-alike codes ---------------------------------------------------------------


def test_a_number_with_an_invisible_character_is_refused(bike, tmp_path):
    row = event_row("CITY-M-\u200b0001", "note", "2025-05-02", notes="x")

    refused(
        tmp_path,
        [row],
        line=2,
        column="article_number",
        match="holds an invisible or control character (zero width space)",
    )
    with pytest.raises(ImportFailed) as failure:
        events_import(path=write_csv(tmp_path, "again.csv", [row], columns=list(row)))
    # Said once: a number that names nothing is not also "no such article".
    assert len(failure.value.errors) == 1


def test_a_full_width_number_names_the_same_article(bike, tmp_path):
    imported(tmp_path, [event_row("ＣＩＴＹ-M-0001", "note", "2025-05-02", notes="x")])

    assert Event.objects.get(kind=EventKind.NOTE).article == bike


def test_a_full_width_store_is_the_same_store(bike, tmp_path):
    imported(tmp_path, [event_row("CITY-M-0001", "transfer", "2025-05-02", store="Ｍａｉｎ２")])
    imported(
        tmp_path,
        [event_row("CITY-M-0002", "transfer", "2025-05-02", store="Main2")],
        "events-2.csv",
    )

    assert Store.objects.filter(name__iexact="main2").count() == 1


def test_articles_file_updates_the_article_a_full_width_number_names(bike, tmp_path):
    row = {
        "number": "ＣＩＴＹ-M-0001",
        "sku_code": "ＣＩＴＹ-M",
        "store": "Main",
        "purchased_on": "2025-01-01",
        "manufacturer": "Gazelle",
    }

    result = articles_import(path=write_csv(tmp_path, "articles.csv", [row]))

    assert (result.added, result.updated) == (0, 1)
    assert Article.objects.get(pk=bike.pk).manufacturer == "Gazelle"
    assert SKU.objects.count() == 1


def test_articles_file_refuses_an_invisible_character_in_a_store(db, tmp_path):
    row = {"number": "X-1", "sku_code": "CITY", "store": "Ma\u00adin", "purchased_on": "2025-01-01"}

    refused(
        tmp_path,
        [row],
        line=2,
        column="store",
        match="holds an invisible or control character (soft hyphen)",
        importer=articles_import,
    )


# --- totals that fit ----------------------------------------------------------------


def test_an_amount_that_would_overflow_the_totals_is_refused_with_its_line(bike, tmp_path):
    big = "9999999999.00"
    rows = [
        event_row("CITY-M-0001", "income", "2025-05-01", revenue=big),
        event_row("CITY-M-0001", "income", "2025-05-02", revenue=big),
    ]

    refused(
        tmp_path,
        rows,
        line=3,
        column="revenue",
        match="This would take the revenue of CITY-M-0001 to 19,999,999,998.00",
    )


def test_money_at_a_close_that_would_overflow_the_totals_is_refused(bike, tmp_path):
    imported(
        tmp_path,
        [rental(), event_row("CITY-M-0001", "expense", "2025-04-30", cost="9999999999.00")],
    )

    refused(
        tmp_path,
        [rental(ended_at="2025-05-03T10:00", cost="1")],
        line=2,
        column="cost",
        match="This would take the expenses of CITY-M-0001",
    )


# --- no value dropped ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "column", "match"),
    [
        ("note", {"revenue": "5"}, "revenue", "A note carries no money"),
        ("sale", {"revenue": "5", "status": "sold"}, "status", "A sale takes no status."),
        ("income", {"revenue": "5", "condition": "good"}, "condition", "takes no condition"),
        ("repair", {"revenue": "5"}, "revenue", "A repair takes no revenue."),
        ("inspection", {"condition": "good", "store": "Main"}, "store", "takes no store"),
        ("transfer", {"store": "Depot", "ended_at": "2025-05-03"}, "ended_at", "takes no end"),
        ("status_change", {"status": "out_of_use", "due_at": "2025-06-01"}, "due_at", "due date"),
    ],
)
def test_a_value_the_kind_cannot_hold_is_refused(bike, tmp_path, kind, fields, column, match):
    row = event_row("CITY-M-0001", kind, "2025-05-02", **fields)

    refused(tmp_path, [row], line=2, column=column, match=match)
