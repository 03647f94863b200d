"""manage.py import_articles: add or update by number, with every bad row reported."""

import datetime as dt
from decimal import Decimal
from typing import cast

import pytest
from django.core.management import CommandError, call_command
from openpyxl.worksheet.worksheet import Worksheet

from articles import services
from articles.models import Article, Event, EventKind, Status, Store
from interchange.imports import ImportFailed, articles_import
from skus.models import SKU
from tests.interchange.import_helpers import snapshot, write_csv

pytestmark = pytest.mark.django_db


def article_row(number: str, **fields) -> dict:
    return {
        "number": number,
        "sku_code": "CITY",
        "sku_name": "City bike",
        "store": "Main",
        "purchased_on": "2025-01-10",
        "purchase_price": "800.00",
        **fields,
    }


def refused(path, *, line: int, column: str, match: str):
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        articles_import(path=path)
    assert snapshot() == before
    text = "\n".join(str(error) for error in failure.value.errors)
    assert any(
        error.line == line and error.column == column and match in error.message
        for error in failure.value.errors
    ), text
    return failure.value.errors


def test_new_articles_are_added_with_their_sku_store_and_acquisition(db, tmp_path):
    path = write_csv(
        tmp_path,
        "articles.csv",
        [article_row("B-1", condition="good", production_year="2024", size="M", colour="")],
    )

    result = articles_import(path=path)

    assert (result.added, result.updated, result.skipped) == (1, 0, 0)
    bike = Article.objects.select_related("sku", "store").get(number="B-1")
    assert (bike.sku.code, bike.sku.name, bike.store.name) == ("CITY", "City bike", "Main")
    assert (bike.status, bike.condition, bike.allocation) == ("active", "good", "rental")
    assert (bike.purchased_on, bike.purchase_price) == (dt.date(2025, 1, 10), Decimal("800.00"))
    assert bike.production_year == 2024
    assert bike.specifications == {"size": "M"}
    acquisition = bike.events.get()
    assert (acquisition.kind, acquisition.occurred_at, acquisition.condition) == (
        EventKind.ACQUISITION,
        dt.datetime(2025, 1, 10, tzinfo=dt.UTC),
        "good",
    )


def test_defaults_fill_empty_optional_columns(db, tmp_path):
    row = article_row("B-1", purchase_price="")
    articles_import(path=write_csv(tmp_path, "articles.csv", [row]))

    bike = Article.objects.get(number="B-1")
    assert (bike.status, bike.condition, bike.allocation, bike.purchase_price) == (
        "active",
        "new",
        "rental",
        Decimal("0.00"),
    )


def test_an_empty_number_is_generated_from_the_sku_code(db, tmp_path):
    SKU.objects.create(code="CITY", name="City bike")
    store = Store.objects.create(name="Main")
    services.article_create(
        sku=SKU.objects.get(), store=store, purchased_on=dt.date(2025, 1, 1), number="CITY-0001"
    )
    path = write_csv(tmp_path, "articles.csv", [article_row(""), article_row("")])

    articles_import(path=path)

    assert sorted(Article.objects.values_list("number", flat=True)) == [
        "CITY-0001",
        "CITY-0002",
        "CITY-0003",
    ]


def test_an_existing_number_updates_the_article_and_notes_the_edit(db, tmp_path):
    articles_import(path=write_csv(tmp_path, "articles.csv", [article_row("B-1")]))
    path = write_csv(tmp_path, "update.csv", [article_row("b-1", purchase_price="750", size="L")])

    result = articles_import(path=path)

    assert (result.added, result.updated) == (0, 1)
    bike = Article.objects.get(number="B-1")
    assert (bike.purchase_price, bike.specifications) == (Decimal("750.00"), {"size": "L"})
    note = bike.events.get(kind=EventKind.NOTE)
    assert "purchase_price: 800.00 → 750" in note.notes


def test_importing_the_same_file_twice_changes_nothing(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1"), article_row("B-2", size="S")])
    articles_import(path=path)
    before = snapshot()

    result = articles_import(path=path)

    assert (result.added, result.updated, result.skipped) == (0, 0, 2)
    assert snapshot() == before


def test_store_of_an_existing_article_is_left_to_transfer_events(db, tmp_path):
    articles_import(path=write_csv(tmp_path, "articles.csv", [article_row("B-1")]))

    result = articles_import(
        path=write_csv(tmp_path, "again.csv", [article_row("B-1", store="Depot")])
    )

    assert Article.objects.get(number="B-1").store.name == "Main"
    assert "change through events" in result.notices[0]


def test_allocating_to_sales_while_on_order_is_refused(db, tmp_path):
    articles_import(path=write_csv(tmp_path, "articles.csv", [article_row("B-1")]))
    services.usage_start(
        article=Article.objects.get(),
        started_at=dt.datetime(2025, 5, 1, 10, tzinfo=dt.UTC),
        reference="R1",
    )

    refused(
        write_csv(tmp_path, "sales.csv", [article_row("B-1", allocation="sales")]),
        line=2,
        column="allocation",
        match="B-1 is on order since 1 May 2025 10:00 (R1); end that rental before allocating",
    )


def test_duplicate_numbers_in_the_file_are_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1"), article_row("b-1")])

    refused(path, line=3, column="number", match="The article number b-1 is already on line 2.")


def test_missing_required_column_is_reported(db, tmp_path):
    path = write_csv(
        tmp_path, "articles.csv", [{"number": "B-1", "sku_code": "X"}], ["number", "sku_code"]
    )

    refused(path, line=1, column="", match="lacks the required columns store, purchased_on")


def test_new_article_without_its_store_is_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", store="")])

    refused(path, line=2, column="store", match="A new article needs its store.")


def test_impossible_purchase_date_is_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", purchased_on="2025-02-30")])

    refused(path, line=2, column="purchased_on", match="2025-02-30 is not a date in the calendar")


def test_negative_price_is_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", purchase_price="-1.00")])

    refused(path, line=2, column="purchase_price", match="-1.00 is negative")


def test_unknown_allocation_is_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", allocation="lease")])

    refused(path, line=2, column="allocation", match="'lease' is not an allocation")


def test_unknown_condition_is_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", condition="mint")])

    refused(path, line=2, column="condition", match="'mint' is not a condition")


def test_disposed_status_is_refused_with_the_way_to_record_it(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", status="sold")])

    refused(path, line=2, column="status", match="record the sold article's disposal as an event")


def test_unknown_status_is_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", status="resting")])

    refused(path, line=2, column="status", match="'resting' is not a status")


def test_year_out_of_range_is_reported(db, tmp_path):
    path = write_csv(tmp_path, "articles.csv", [article_row("B-1", production_year="1800")])

    refused(path, line=2, column="production_year", match="1800 is not a production year")


def test_empty_file_is_reported(db, tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text("")

    refused(path, line=0, column="", match="The file is empty")


def test_file_that_is_not_utf8_is_reported(db, tmp_path):
    path = tmp_path / "articles.csv"
    path.write_bytes(
        "number,sku_code,store,purchased_on\nB-1,X,Köln,2025-01-01\n".encode("latin-1")
    )

    refused(path, line=2, column="", match="not UTF-8")


def test_out_of_use_article_enters_out_of_use_and_its_acquisition_says_so(db, tmp_path):
    articles_import(
        path=write_csv(tmp_path, "articles.csv", [article_row("B-1", status="out_of_use")])
    )

    bike = Article.objects.get()
    assert bike.status == Status.OUT_OF_USE
    assert bike.events.get().status == Status.OUT_OF_USE


def test_command_prints_summary_and_errors(db, tmp_path, capsys):
    call_command("import_articles", str(write_csv(tmp_path, "articles.csv", [article_row("B-1")])))
    assert "Added 1, updated 0, skipped 0." in capsys.readouterr().out

    bad = write_csv(tmp_path, "bad.csv", [article_row("B-2", purchased_on="10/01/2025")])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_articles", str(bad))
    assert "line 2, column purchased_on: '10/01/2025' is not a date" in capsys.readouterr().err
    assert not Article.objects.filter(number="B-2").exists()
    assert Event.objects.count() == 1


def test_excel_workbook_is_accepted(db, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    row = article_row("B-1", purchased_on=dt.datetime(2025, 1, 10), purchase_price=800.5)
    sheet = cast(Worksheet, workbook.active)
    sheet.append(list(row))
    sheet.append(list(row.values()))
    path = tmp_path / "articles.xlsx"
    workbook.save(path)

    articles_import(path=path)

    bike = Article.objects.get()
    assert (bike.purchased_on, bike.purchase_price) == (dt.date(2025, 1, 10), Decimal("800.50"))
