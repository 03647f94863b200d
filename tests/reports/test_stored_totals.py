"""The stored per-article totals always equal a fresh computation of the figures.

The services keep ``total_usage_count``, ``total_revenue``, ``total_expenses`` and
``total_sale_proceeds`` in the same transaction as each event; read as of a day far
in the future, ``article_figures`` computes the same four figures from the ledger.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import services
from articles.models import Article, EventKind
from reports.figures import article_figures
from tests.factories import ArticleFactory, EventFactory, SKUFactory, StoreFactory
from tests.helpers import moment

pytestmark = pytest.mark.django_db

FAR_FUTURE = dt.date(2099, 12, 31)


def stored_and_computed() -> tuple[dict, dict]:
    stored = {
        article.number: (
            article.total_usage_count,
            article.total_revenue,
            article.total_expenses,
            article.total_sale_proceeds,
        )
        for article in Article.objects.all()
    }
    computed = {
        row["number"]: (row["usage_count"], row["revenue"], row["expenses"], row["sale_proceeds"])
        for row in article_figures(as_of=FAR_FUTURE)
    }
    return stored, computed


def build_history(user) -> None:
    sku = SKUFactory.create(code="TOT")
    store, other = StoreFactory.create(), StoreFactory.create()
    create = {"sku": sku, "store": store, "purchased_on": dt.date(2025, 1, 1), "acting_user": user}
    bought_out = services.article_create(number="T-1", purchase_price="300", **create)
    services.usage_start(article=bought_out, started_at=moment("2025-02-01"), revenue="25.50")
    services.article_sell(
        article=bought_out, price="210", cost="4.99", occurred_at=moment("2025-02-03")
    )

    busy = services.article_create(number="T-2", purchase_price="400", **create)
    services.usage_start(
        article=busy,
        started_at=moment("2025-02-01"),
        ended_at=moment("2025-02-02"),
        revenue="10.10",
    )
    services.usage_start(article=busy, kind="subscription", started_at=moment("2025-03-01"))
    services.usage_end(article=busy, ended_at=moment("2025-04-01"), revenue="99.99", cost="1.01")
    services.service_record(
        article=busy, kind="repair", downtime=True, cost="45", occurred_at=moment("2025-04-02")
    )
    services.money_record(
        article=busy,
        kind="adjustment",
        revenue="0.01",
        cost="0.02",
        occurred_at=moment("2025-04-03"),
    )
    services.article_transfer(
        article=busy, store=other, cost="12", occurred_at=moment("2025-04-04")
    )

    lost = services.article_create(number="T-3", purchase_price="0", **create)
    services.usage_start(article=lost, started_at=moment("2025-05-01"), revenue="5")
    services.article_report_lost(article=lost, revenue="80", occurred_at=moment("2025-05-02"))
    services.article_found(article=lost, occurred_at=moment("2025-05-10"))
    services.article_retire(article=lost, cost="3", occurred_at=moment("2025-06-01"))

    services.articles_create_batch(sku=sku, count=3, store=store, purchased_on=dt.date(2025, 1, 1))


def test_stored_totals_equal_the_computed_figures_after_service_calls(user):
    build_history(user)
    stored, computed = stored_and_computed()
    assert stored == computed
    assert stored["T-1"] == (1, Decimal("25.50"), Decimal("4.99"), Decimal("210.00"))
    assert stored["T-2"] == (2, Decimal("110.10"), Decimal("58.03"), Decimal("0.00"))
    assert stored["T-3"] == (1, Decimal("85.00"), Decimal("3.00"), Decimal("0.00"))


def test_recompute_figures_rebuilds_totals_that_went_stale(user):
    build_history(user)
    Article.objects.update(total_usage_count=7, total_revenue=1, total_expenses=2)
    # Events laid in by a bulk load that bypassed the services.
    article = ArticleFactory.create(number="T-9", sku=SKUFactory.create(code="BULK"))
    EventFactory.create(
        article=article,
        kind=EventKind.RENTAL,
        occurred_at=moment("2025-01-05"),
        revenue=Decimal("3.30"),
    )
    out = StringIO()
    call_command("recompute_figures", "--batch-size", "2", verbosity=0, stdout=out)
    stored, computed = stored_and_computed()
    assert stored == computed
    assert stored["T-9"] == (1, Decimal("3.30"), Decimal("0.00"), Decimal("0.00"))
    assert out.getvalue().splitlines()[0] == "Recomputed the stored totals of 7 articles."


def test_recompute_figures_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("recompute_figures", "--batch-size", "0", verbosity=0)
