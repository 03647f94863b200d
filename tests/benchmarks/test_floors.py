"""The hand-written SQL floors of ``benchmarks/floors/`` compute SPEC.md's figures:
run on a small generated fleet (every event kind and status), they agree with
``reports.figures`` cell for cell, so that the benchmark's ratios stay honest.

On PostgreSQL only: the floors are PostgreSQL.
"""

import csv
import datetime as dt
import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from demo.generated import fleet_generate
from reports.figures import article_figures, selloff_candidates, sku_figures

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from harness.floors import REPORTS, FloorParameters, compare, floor_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the floors are PostgreSQL"),
]

# Seed 6 with 60 articles of about 8 events holds every event kind and every status
# (tests/demo/test_generate_fleet.py); the ledger ends on 30 June 2025.
AS_OF = ("2025-06-30", "2024-09-15")


def _floor(report: str, as_of: str) -> dict[str, dict[str, Any]]:
    parameters = FloorParameters(
        as_of=as_of,
        time_zone=settings.TIME_ZONE,
        default_rate=settings.DEPRECIATION_RATE,
        default_window=settings.SELLOFF_WINDOW_DAYS,
        hurdle_share=settings.RENEWAL_HURDLE_SHARE,
    )
    columns, rows = floor_rows(connection.connection, report, parameters)
    key = "sku_code" if report == "skus" else "number"
    return {row[columns.index(key)]: dict(zip(columns, row, strict=True)) for row in rows}


@pytest.fixture
def fleet() -> None:
    fleet_generate(articles=60, events_per_article=8, seed=6)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Vienna"])
@pytest.mark.parametrize("as_of", AS_OF)
def test_floors_agree_with_every_cell_of_the_reports(
    fleet: None, settings: Any, zone: str, as_of: str
) -> None:
    settings.TIME_ZONE = zone
    for report in REPORTS:
        out = io.StringIO()
        call_command("report", report, "--format", "csv", "--as-of", as_of, stdout=out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert rows, report
        floor = _floor(report, as_of)
        columns = list(next(iter(floor.values())))
        agreement = compare(
            report, out.getvalue(), columns, [tuple(row.values()) for row in floor.values()]
        )
        assert agreement.agrees, (report, agreement.differences[:10])
        assert agreement.rows == len(rows)
        # Every column of the report but Kaplan–Meier is checked.
        assert set(rows[0]) - set(agreement.columns) == (
            {"km_median_lifetime_days"} if report == "skus" else set()
        )


def test_floors_agree_with_the_figures_to_the_cent(fleet: None) -> None:
    as_of = AS_OF[0]
    day = dt.date.fromisoformat(as_of)
    skus = _floor("skus", as_of)
    for figures in sku_figures(as_of=day):
        row = skus[figures["sku_code"]]
        for name in ("articles", "sold", "revenue", "surplus", "peak_on_order", "renewal_hurdle"):
            assert row[name] == figures[name], (figures["sku_code"], name)
        if figures["challenger_net_per_day"] is not None:
            assert Decimal(str(row["challenger_net_per_day"])).quantize(
                Decimal("0.0001")
            ) == figures["challenger_net_per_day"].quantize(Decimal("0.0001"))
    candidates = selloff_candidates(as_of=day)
    floor_candidates = _floor("selloff", as_of)
    assert candidates and list(floor_candidates) == [c["number"] for c in candidates]
    for candidate in candidates:
        row = floor_candidates[candidate["number"]]
        assert row["reasons"].split(";") == candidate["reasons"]
        for name in ("keep_margin", "challenger_margin", "estimated_value"):
            assert row[name] == candidate[name], (candidate["number"], name)
    articles = _floor("articles", as_of)
    for figures in article_figures(as_of=day):
        row = articles[figures["number"]]
        for name in ("usage_count", "net", "sale_proceeds", "estimated_value", "paid_back_on"):
            assert row[name] == figures[name], (figures["number"], name)
