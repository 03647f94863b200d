"""On PostgreSQL, a whole-fleet SKU report outside any transaction runs its sweep for
peak_on_order on a second connection, in the report's exported snapshot; the figures
are the same as when everything runs on one connection."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from articles import services
from reports.figures import reading, sku_figures
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import moment

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's exported snapshots"
    ),
    pytest.mark.django_db(transaction=True),
]

AS_OF = dt.date(2025, 6, 30)


def build_fleet() -> None:
    sku, store = SKUFactory.create(code="CONC"), StoreFactory.create()
    for index in range(4):
        article = services.article_create(
            sku=sku,
            store=store,
            number=f"CONC-{index}",
            purchased_on=dt.date(2024, 1, 1),
            purchase_price=Decimal("100"),
        )
        services.usage_start(
            article=article, started_at=moment("2025-06-0" + str(index + 1)), revenue="10"
        )


def test_the_peak_sweep_runs_on_a_second_connection_with_the_same_result(monkeypatch):
    build_fleet()
    started = []
    original = reading._Concurrent.__init__

    def spy(self, snapshot, query, params):
        started.append(snapshot)
        original(self, snapshot, query, params)

    monkeypatch.setattr(reading._Concurrent, "__init__", spy)
    (concurrent,) = sku_figures(as_of=AS_OF)
    assert len(started) == 1
    with transaction.atomic():  # inside a caller's transaction: one connection
        (single,) = sku_figures(as_of=AS_OF)
    assert len(started) == 1
    assert concurrent == single
    assert concurrent["peak_on_order"] == 4
    assert concurrent["surplus"] == 0
