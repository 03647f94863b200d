"""manage.py import_events: every bad input is reported by line and column and nothing
is written; good files are applied through the rules of the services."""

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.management import CommandError, call_command
from openpyxl.worksheet.worksheet import Worksheet

from articles import services
from articles.models import Allocation, Article, Event, EventKind, Status
from interchange.imports import ImportFailed, events_import
from skus.models import SKU
from tests.interchange.import_helpers import at, event_row, snapshot, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(db):
    sku = SKU.objects.create(code="CITY", name="City bike")
    store = services.store_get_or_create(name="Main")
    common: dict[str, Any] = {"sku": sku, "store": store, "purchased_on": dt.date(2025, 1, 1)}
    return {
        "bike": services.article_create(number="B-1", purchase_price="800", **common),
        "other": services.article_create(number="B-2", purchase_price="600", **common),
        "shop": services.article_create(
            number="S-1", allocation=Allocation.SALES, purchase_price="300", **common
        ),
    }


def refused(path, *, line: int, column: str, match: str):
    """Import ``path``; expect exactly one error at ``line``/``column`` containing
    ``match`` and nothing written."""
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        events_import(path=path)
    assert snapshot() == before
    text = "\n".join(str(error) for error in failure.value.errors)
    assert any(
        error.line == line and error.column == column and match in error.message
        for error in failure.value.errors
    ), text
    return failure.value.errors


GOOD = event_row("B-1", "rental", "2025-05-01T10:00", ended_at="2025-05-03T10:00", revenue="40")


def test_a_good_file_adds_its_events_and_refreshes_the_totals(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [GOOD, event_row("B-1", "repair", "2025-05-04T09:00", cost="15.50", reference="W-7")],
    )

    result = events_import(path=path)

    assert (result.added, result.updated, result.skipped) == (2, 0, 0)
    bike = Article.objects.get(number="B-1")
    assert (bike.total_usage_count, bike.total_revenue, bike.total_expenses) == (
        1,
        Decimal("40.00"),
        Decimal("15.50"),
    )
    rental = bike.events.get(kind=EventKind.RENTAL)
    assert (rental.occurred_at, rental.ended_at) == (at(1), at(3))


def test_unknown_article_is_reported_with_its_line(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [GOOD, event_row("NOPE-9", "note", "2025-05-02")])

    refused(path, line=3, column="article_number", match="There is no article NOPE-9")


def test_malformed_date_is_reported(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [GOOD, event_row("B-1", "note", "yesterday")])

    refused(path, line=3, column="occurred_at", match="'yesterday' is not a date and time")


def test_impossible_date_is_reported(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [event_row("B-1", "note", "2025-02-30T10:00")])

    refused(
        path, line=2, column="occurred_at", match="2025-02-30T10:00 is not a date in the calendar"
    )


def test_end_before_start_is_reported(fleet, tmp_path):
    row = event_row("B-1", "rental", "2025-05-03T10:00", ended_at="2025-05-01T10:00")
    path = write_csv(tmp_path, "events.csv", [row])

    refused(
        path,
        line=2,
        column="ended_at",
        match="The end (1 May 2025 10:00) is before the start (3 May 2025 10:00).",
    )


def test_negative_money_is_reported(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [event_row("B-1", "expense", "2025-05-02", cost="-5")])

    refused(
        path,
        line=2,
        column="cost",
        match="An expense cannot carry a negative cost; correct an amount with an adjustment.",
    )


def test_non_numeric_money_is_reported(fleet, tmp_path):
    row = event_row("B-1", "income", "2025-05-02", revenue="ten euros")
    path = write_csv(tmp_path, "events.csv", [row])

    refused(path, line=2, column="revenue", match="'ten euros' is not an amount of money")


def test_money_with_three_decimals_is_reported(fleet, tmp_path):
    path = write_csv(
        tmp_path, "events.csv", [event_row("B-1", "income", "2025-05-02", revenue="1.005")]
    )

    refused(path, line=2, column="revenue", match="more than 2 decimal places")


def test_unknown_kind_is_reported(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [event_row("B-1", "borrowing", "2025-05-02")])

    refused(path, line=2, column="kind", match="'borrowing' is not an event kind")


def test_unknown_condition_is_reported(fleet, tmp_path):
    row = event_row("B-1", "inspection", "2025-05-02", condition="shiny")
    path = write_csv(tmp_path, "events.csv", [row])

    refused(path, line=2, column="condition", match="'shiny' is not a condition")


def test_unknown_status_is_reported(fleet, tmp_path):
    row = event_row("B-1", "status_change", "2025-05-02", status="broken")
    path = write_csv(tmp_path, "events.csv", [row])

    refused(path, line=2, column="status", match="'broken' is not a status")


def test_rental_of_a_sold_article_is_refused(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row("B-1", "sale", "2025-05-01T10:00", revenue="500"),
            event_row("B-1", "rental", "2025-05-02T10:00", ended_at="2025-05-03T10:00"),
        ],
    )

    refused(
        path, line=3, column="kind", match="B-1 is sold; only active articles can go on rental."
    )


def test_rental_of_a_sales_allocated_article_is_refused(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [event_row("S-1", "rental", "2025-05-02T10:00")])

    refused(path, line=2, column="kind", match="S-1 is allocated to sales")


def test_status_change_the_lifecycle_forbids_is_refused(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row("B-1", "retirement", "2025-05-01T10:00"),
            event_row("B-1", "status_change", "2025-05-02T10:00", status="active"),
        ],
    )

    refused(path, line=3, column="status", match="B-1 is retired; it cannot become active.")


def test_usages_overlapping_inside_the_file_are_refused(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row(
                "B-1", "rental", "2025-05-01T10:00", ended_at="2025-05-05T10:00", reference="R1"
            ),
            event_row(
                "B-1", "rental", "2025-05-04T10:00", ended_at="2025-05-06T10:00", reference="R2"
            ),
        ],
    )

    refused(
        path,
        line=3,
        column="occurred_at",
        match="B-1 was on rental (R1) from 1 May 2025 10:00 to 5 May 2025 10:00, which overlaps",
    )


def test_usage_overlapping_one_in_the_database_is_refused(fleet, tmp_path):
    services.usage_start(article=fleet["bike"], started_at=at(1), ended_at=at(5), reference="R1")
    row = event_row(
        "B-1", "rental", "2025-05-02T10:00", ended_at="2025-05-03T10:00", reference="R2"
    )
    path = write_csv(tmp_path, "events.csv", [row])

    refused(
        path, line=2, column="occurred_at", match="B-1 was on rental (R1) from 1 May 2025 10:00"
    )


def test_missing_required_column_is_reported(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [{"article_number": "B-1", "kind": "note"}],
        ["article_number", "kind"],
    )

    refused(path, line=1, column="", match="lacks the required column occurred_at")


def test_unknown_column_is_reported(fleet, tmp_path):
    row = {**event_row("B-1", "note", "2025-05-02"), "colour": "red"}
    path = write_csv(tmp_path, "events.csv", [row])

    refused(path, line=1, column="", match="Unknown column colour")


def test_empty_file_is_reported(fleet, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"")

    refused(path, line=0, column="", match="The file is empty")


def test_file_with_only_a_header_is_reported(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [])

    refused(path, line=0, column="", match="no rows to import")


def test_file_that_is_not_utf8_is_reported_at_its_line(fleet, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(
        b"article_number,kind,occurred_at,notes\n"
        b"B-1,note,2025-05-02,fine\n"
        b"B-1,note,2025-05-03,Gep\xe4ck\n"
    )

    refused(path, line=3, column="", match="not UTF-8")


def test_file_that_is_not_csv_is_reported(fleet, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"%PDF-1.7\x00\x01\x02binary")

    refused(path, line=0, column="", match="not a CSV file")


def test_workbook_named_csv_is_reported(fleet, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"PK\x03\x04rest of a zip")

    refused(path, line=0, column="", match="looks like an Excel workbook")


def test_row_with_more_values_than_columns_is_reported(fleet, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("article_number,kind,occurred_at\nB-1,note,2025-05-02,surplus\n")

    refused(path, line=2, column="", match="has 4 values but the header names 3 columns")


def test_every_bad_row_is_reported_not_only_the_first(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row("B-1", "note", "2025-13-01"),
            GOOD,
            event_row("B-1", "expense", "2025-05-09", cost="abc"),
            event_row("ZZ", "note", "2025-05-09"),
        ],
    )

    errors = refused(path, line=2, column="occurred_at", match="not a date")
    assert [(error.line, error.column) for error in errors] == [
        (2, "occurred_at"),
        (4, "cost"),
        (5, "article_number"),
    ]


def test_a_bom_is_accepted(fleet, tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(
        "\ufeffarticle_number,kind,occurred_at,notes\nB-1,note,2025-05-02,ok\n".encode()
    )

    assert events_import(path=path).added == 1


def test_times_without_offset_are_read_in_the_installation_time_zone(fleet, tmp_path, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    path = write_csv(
        tmp_path, "events.csv", [event_row("B-1", "note", "2025-05-02T10:00", notes="x")]
    )

    events_import(path=path)

    note = Event.objects.get(kind=EventKind.NOTE)
    assert note.occurred_at == dt.datetime(2025, 5, 2, 8, 0, tzinfo=dt.UTC)


def test_a_date_alone_means_the_start_of_that_day(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [event_row("B-1", "note", "2025-05-02", notes="x")])

    events_import(path=path)

    assert Event.objects.get(kind=EventKind.NOTE).occurred_at == dt.datetime(
        2025, 5, 2, tzinfo=dt.UTC
    )


# --- idempotency and incremental files ----------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            GOOD,
            event_row("B-1", "rental", "2025-05-05T10:00", reference="R2"),
            event_row("B-2", "maintenance", "2025-05-02", status="out_of_use", reference="W1"),
            event_row("B-2", "acquisition", "2025-01-01", condition="new", store="Main"),
        ],
    )
    events_import(path=path)
    before = snapshot()

    result = events_import(path=path)

    assert (result.added, result.updated, result.skipped) == (0, 0, 4)
    assert snapshot() == before


def test_a_later_file_closes_the_usage_an_earlier_one_left_open(fleet, tmp_path):
    first = write_csv(
        tmp_path, "events.csv", [event_row("B-1", "rental", "2025-05-01T10:00", reference="R1")]
    )
    events_import(path=first)
    assert Article.objects.on_order(at=at(2)).filter(number="B-1").exists()
    later = write_csv(
        tmp_path,
        "events-2.csv",
        [
            event_row(
                "B-1",
                "rental",
                "2025-05-01T10:00",
                ended_at="2025-05-04T10:00",
                revenue="60",
                reference="R1",
                condition="fair",
            ),
            event_row(
                "B-1", "rental", "2025-05-06T10:00", ended_at="2025-05-07T10:00", reference="R2"
            ),
        ],
        columns=None,
    )

    result = events_import(path=later)

    assert (result.added, result.updated, result.skipped) == (1, 1, 0)
    rental = Event.objects.get(kind=EventKind.RENTAL, reference="R1")
    assert (rental.ended_at, rental.revenue, rental.condition) == (at(4), Decimal("0.00"), "fair")
    income = Event.objects.get(kind=EventKind.INCOME, reference="R1")
    assert (income.occurred_at, income.revenue) == (at(4), Decimal("60.00"))
    bike = Article.objects.get(number="B-1")
    assert (bike.condition, bike.total_revenue, bike.total_usage_count) == (
        "fair",
        Decimal("60.00"),
        2,
    )


def test_a_later_file_closes_an_open_downtime_and_the_article_returns(fleet, tmp_path):
    opening = event_row("B-1", "repair", "2025-05-01T10:00", status="out_of_use", reference="W1")
    events_import(path=write_csv(tmp_path, "events.csv", [opening]))
    assert Article.objects.get(number="B-1").status == Status.OUT_OF_USE
    closing = {**opening, "status": "", "ended_at": "2025-05-02T10:00", "cost": "35"}

    result = events_import(path=write_csv(tmp_path, "events-2.csv", [closing]))

    assert result.updated == 1
    bike = Article.objects.get(number="B-1")
    assert (bike.status, bike.total_expenses) == (Status.ACTIVE, Decimal("35.00"))


def test_sale_while_on_order_ends_the_usage_as_a_buy_out(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row("B-1", "rental", "2025-05-01T10:00", reference="R1"),
            event_row("B-1", "sale", "2025-05-03T10:00", revenue="650"),
        ],
    )

    events_import(path=path)

    rental = Event.objects.get(kind=EventKind.RENTAL, reference="R1")
    assert (rental.ended_at, rental.notes) == (at(3), "")
    bike = Article.objects.get(number="B-1")
    assert (bike.status, bike.disposed_at, bike.total_sale_proceeds) == (
        Status.SOLD,
        at(3),
        Decimal("650.00"),
    )


def test_retirement_while_on_order_is_refused(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row("B-1", "rental", "2025-05-01T10:00", reference="R1"),
            event_row("B-1", "retirement", "2025-05-03T10:00"),
        ],
    )

    refused(path, line=3, column="kind", match="B-1 is on order since 1 May 2025 10:00 (R1)")


def test_rows_are_applied_in_time_order_whatever_the_file_order(fleet, tmp_path):
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row("B-1", "status_change", "2025-05-05T10:00", status="active"),
            event_row("B-1", "status_change", "2025-05-02T10:00", status="out_of_use"),
        ],
    )

    events_import(path=path)

    assert Article.objects.get(number="B-1").status == Status.ACTIVE


def test_dry_run_checks_and_writes_nothing(fleet, tmp_path):
    path = write_csv(tmp_path, "events.csv", [GOOD])
    before = snapshot()

    result = events_import(path=path, dry_run=True)

    assert (result.added, result.dry_run) == (1, True)
    assert snapshot() == before


def test_transfer_to_a_new_store_creates_it(fleet, tmp_path):
    path = write_csv(
        tmp_path, "events.csv", [event_row("B-1", "transfer", "2025-05-02", store="Depot")]
    )

    events_import(path=path)

    assert Article.objects.get(number="B-1").store.name == "Depot"


# --- the command --------------------------------------------------------------------


def test_command_prints_the_summary(fleet, tmp_path, capsys):
    call_command("import_events", str(write_csv(tmp_path, "events.csv", [GOOD])))

    assert "Added 1, updated 0, skipped 0." in capsys.readouterr().out


def test_command_reports_errors_and_exits_non_zero(fleet, tmp_path, capsys):
    path = write_csv(tmp_path, "events.csv", [GOOD, event_row("B-1", "note", "soon")])

    with pytest.raises(CommandError, match="1 error; nothing was written"):
        call_command("import_events", str(path))

    assert "line 3, column occurred_at: 'soon' is not a date and time" in capsys.readouterr().err
    assert not Event.objects.filter(kind=EventKind.RENTAL).exists()


def test_command_dry_run_says_what_would_happen(fleet, tmp_path, capsys):
    call_command("import_events", str(write_csv(tmp_path, "events.csv", [GOOD])), "--dry-run")

    assert "Would add 1, updated 0, skipped 0. Nothing was written" in capsys.readouterr().out
    assert not Event.objects.filter(kind=EventKind.RENTAL).exists()


def test_command_names_a_missing_file(db):
    with pytest.raises(CommandError, match="There is no file /nowhere/events.csv"):
        call_command("import_events", "/nowhere/events.csv")


def test_excel_workbook_is_accepted_with_the_same_rules(fleet, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = cast(Worksheet, workbook.active)
    sheet.append(["article_number", "kind", "occurred_at", "ended_at", "revenue"])
    sheet.append(["B-1", "rental", dt.datetime(2025, 5, 1, 10), dt.datetime(2025, 5, 3, 10), 40.5])
    sheet.append(["B-1", "rental", "2025-05-02T10:00", None, None])
    path = tmp_path / "events.xlsx"
    workbook.save(path)

    errors = refused(path, line=3, column="occurred_at", match="which overlaps this usage")
    assert len(errors) == 1
    sheet.delete_rows(3)
    workbook.save(path)
    events_import(path=path)
    rental = Event.objects.get(kind=EventKind.RENTAL)
    assert (rental.occurred_at, rental.ended_at, rental.revenue) == (at(1), at(3), Decimal("40.50"))


def test_progress_is_reported_while_checking_applying_and_writing(fleet, tmp_path):
    bars = []

    class Bar:
        def __init__(self, iterable=None, *, desc="", **options):
            self.desc, self.count = desc, 0
            bars.append(self)

        def update(self, count=1):
            self.count += count

        def close(self):
            pass

    events_import(path=write_csv(tmp_path, "events.csv", [GOOD]), progress=Bar)

    assert [(bar.desc, bar.count > 0) for bar in bars] == [
        ("Checking events", True),
        ("Applying events", True),
        ("Writing events", True),
    ]


def test_a_database_refusal_is_a_plain_error_and_nothing_is_written(fleet, tmp_path, monkeypatch):
    from django.db import IntegrityError

    from interchange.imports import writing

    def refuse(*args, **kwargs):
        raise IntegrityError('conflicting key value violates exclusion constraint "x"')

    monkeypatch.setattr(writing, "insert_values", refuse)
    before = snapshot()

    with pytest.raises(ImportFailed, match="The database refused the import"):
        events_import(path=write_csv(tmp_path, "events.csv", [GOOD]))

    assert snapshot() == before
