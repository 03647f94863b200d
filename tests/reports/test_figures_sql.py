"""The report statements pass every value as a parameter and are read by column name."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from articles import services
from articles.models import DISPOSAL_KINDS, SERVICE_KINDS, USAGE_KINDS
from reports.figures import fleet_monthly_totals, selloff_candidates, sku_figures
from reports.figures.dialect import Params
from tests.factories import SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_params_give_one_placeholder_per_value_in_sorted_order():
    params = Params()
    assert params.text_list("usage", ["subscription", "rental"]) == "%(usage_0)s, %(usage_1)s"
    assert params == {"usage_0": "rental", "usage_1": "subscription"}
    assert params.value_list("sku", []) == "NULL"


def test_no_kind_status_or_date_is_written_into_the_statements():
    sku = SKUFactory.create(code="PARAM")
    article = services.article_create(
        sku=sku,
        store=StoreFactory.create(),
        purchased_on=dt.date(2024, 1, 1),
        purchase_price=Decimal("100"),
    )
    started = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)
    services.usage_start(article=article, started_at=started, revenue="10")
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    as_of = dt.date(2025, 6, 30)
    with connection.execute_wrapper(record):
        sku_figures(as_of=as_of, skus=type(sku).objects.filter(pk=sku.pk))
        selloff_candidates(as_of=as_of)
        fleet_monthly_totals(as_of=as_of, months=2)
    words = {*USAGE_KINDS, *SERVICE_KINDS, *DISPOSAL_KINDS, "status_change", "active"}
    reports = [sql for sql in statements if "GROUP BY" in sql]
    assert reports
    for sql in reports:
        assert not [word for word in words if f"'{str(word)}'" in sql]
        assert "2025-" not in sql
