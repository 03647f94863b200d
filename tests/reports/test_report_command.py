"""``manage.py report``: columns, number formats, the 80-column table, filters, errors."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import services
from articles.models import Article, Store
from reports.formatting import REPORT_COLUMNS, render_table
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import moment

pytestmark = pytest.mark.django_db

AS_OF = "2025-06-30"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def fleet():
    main, annex = StoreFactory.create(name="Main"), StoreFactory.create(name="Annex")
    bikes, skis = SKUFactory.create(code="BIKE"), SKUFactory.create(code="SKI")
    one = services.article_create(
        sku=bikes, store=main, number="B-1", purchased_on=dt.date(2024, 7, 1), purchase_price="300"
    )
    # 1 day of 365 owned; 1 / 365 = 0.0027397... → 0.0027
    services.usage_start(
        article=one, started_at=moment("2025-01-01"), ended_at=moment("2025-01-02"), revenue="12.5"
    )
    services.article_create(
        sku=bikes, store=annex, number="B-2", purchased_on=dt.date(2025, 1, 1), purchase_price="0"
    )
    services.article_create(
        sku=skis, store=main, number="S-1", purchased_on=dt.date(2025, 1, 1), purchase_price="99.99"
    )


def test_csv_has_the_spec_columns_and_formats_numbers(fleet):
    lines = list(csv.DictReader(io.StringIO(run("articles", "--as-of", AS_OF, "--format", "csv"))))
    assert list(lines[0]) == list(REPORT_COLUMNS["articles"])
    b1 = lines[0]
    assert b1["number"] == "B-1"
    assert b1["usage_count"] == "1"
    assert b1["usage_days"] == "1.0000"
    assert b1["owned_days"] == "365.0000"
    assert b1["utilization"] == "0.0027"
    assert b1["revenue"] == "12.50"
    assert b1["payback_ratio"] == "0.0417"  # 12.5 / 300
    assert b1["paid_back_on"] == ""
    b2 = lines[1]
    assert (b2["payback_ratio"], b2["dollar_utilization"]) == ("", "")


def test_json_writes_exact_decimals_integers_and_null(fleet):
    out = run("articles", "--as-of", AS_OF, "--format", "json")
    assert '"revenue": 12.50' in out
    assert '"usage_days": 1.0000' in out
    rows = json.loads(out, parse_float=Decimal)
    assert [row["number"] for row in rows] == ["B-1", "B-2", "S-1"]
    assert rows[0]["usage_count"] == 1
    assert rows[1]["payback_ratio"] is None
    assert str(rows[2]["estimated_value"]) == "89.52"  # 99.99 × 0.8 ^ (181/365) = 89.5158


def test_selloff_json_joins_reasons_with_semicolons(fleet):
    rows = json.loads(run("selloff", "--as-of", AS_OF, "--format", "json"), parse_float=Decimal)
    assert [row["number"] for row in rows] == ["B-1"]
    # keep: 12.50 - (240.00 - 192.00) = -35.50; challenger: 12.50 - 0 (the latest
    # purchase, B-2, cost 0); gain 48.00 > hurdle 0.00.
    assert rows[0]["keep_margin"] == Decimal("-35.50")
    assert rows[0]["reasons"] == "earns_less_than_value_loss;new_one_earns_more"
    assert list(rows[0]) == list(REPORT_COLUMNS["selloff"])


def test_skus_report_filters_by_sku_and_store(fleet):
    rows = json.loads(run("skus", "--as-of", AS_OF, "--format", "json", "--sku", "bike"))
    assert [(row["sku_code"], row["articles"]) for row in rows] == [("BIKE", 2)]
    rows = json.loads(run("skus", "--as-of", AS_OF, "--format", "json", "--store", "annex"))
    assert [(row["sku_code"], row["articles"]) for row in rows] == [("BIKE", 1), ("SKI", 0)]
    rows = json.loads(
        run("articles", "--as-of", AS_OF, "--format", "json", "--sku", "BIKE", "--store", "Main")
    )
    assert [row["number"] for row in rows] == ["B-1"]


def test_articles_report_takes_the_store_at_the_as_of_date(fleet):
    """B-1 moved from Main to the Annex after D: as of D it is Main's, and its row
    still says where it is now."""
    services.article_transfer(
        article=Article.objects.get(number="B-1"),
        store=Store.objects.get(name="Annex"),
        occurred_at=moment("2025-07-15"),
    )
    at_main = json.loads(run("articles", "--as-of", AS_OF, "--format", "json", "--store", "Main"))
    assert [(row["number"], row["store"]) for row in at_main] == [("B-1", "Annex"), ("S-1", "Main")]
    # A full-width spelling names the same store.
    at_annex = json.loads(
        run("articles", "--as-of", AS_OF, "--format", "json", "--store", "Ａｎｎｅｘ")
    )
    assert [row["number"] for row in at_annex] == ["B-2"]


def test_window_option_overrides_the_skus_window(fleet):
    rows = json.loads(run("selloff", "--as-of", AS_OF, "--format", "json", "--window", "30"))
    # Over 30 days all three are considered; B-2 cost nothing, so it loses no value and
    # its keep_margin is 0: not a candidate.
    assert sorted(row["number"] for row in rows) == ["B-1", "S-1"]


def test_table_fits_an_80_column_terminal(fleet):
    for report, key in (("articles", "number"), ("skus", "sku_code"), ("selloff", "number")):
        out = run(report, "--as-of", AS_OF)
        assert max(len(line) for line in out.splitlines()) <= 80, report
        # Wide reports come in blocks, each starting with the key column.
        blocks = out.strip().split("\n\n")
        assert len(blocks) > 1
        assert all(block.startswith(key + " ") for block in blocks)


def test_table_wraps_long_reasons_at_semicolons():
    reasons = [
        "earns_less_than_value_loss",
        "new_one_earns_more",
        "idle",
        "poor_condition",
        "past_expected_lifetime",
        "paid_back",
    ]
    row = {
        "number": "LONG-ARTICLE-NUMBER-0001",
        "sku_code": "SKU",
        "store": "Main",
        "reasons": reasons,
        "trailing_net": Decimal("0"),
        "value_loss": Decimal("1"),
        "keep_margin": Decimal("-1"),
        "window_usage_days": Decimal("0"),
        "challenger_margin": None,
        "renewal_gain": None,
        "estimated_value": Decimal("5"),
    }
    out = render_table(REPORT_COLUMNS["selloff"], [row])
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "past_expected_lifetime;" in out


def test_table_says_so_when_there_are_no_rows():
    assert "(no rows)" in run("selloff", "--as-of", AS_OF)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("articles", "--as-of", "2025-02-30"), "--as-of: '2025-02-30' is not a date"),
        (("articles", "--as-of", "30.06.2025"), "write it as YYYY-MM-DD"),
        (("selloff", "--window", "0"), "--window: '0' is not a number of days"),
        (("selloff", "--window", "ten"), "--window: 'ten' is not a number of days"),
        (("skus", "--sku", "NOPE"), "--sku: there is no SKU 'NOPE'"),
        (("skus", "--store", "Nowhere"), "--store: there is no store 'Nowhere'"),
        (("stock",), "Unknown report 'stock'"),
        (("skus", "--format", "xml"), "--format: 'xml' is not a format"),
    ],
)
def test_bad_input_is_a_one_line_command_error(args, message):
    with pytest.raises(CommandError, match=message) as error:
        run(*args)
    assert "\n" not in str(error.value)
