"""Helpers for the hand-worked report tests: run ``manage.py report`` and read its JSON.

Every expected figure in these tests is worked out by hand from SPEC.md "Figures" and
"Sell-off candidates", with the arithmetic written next to it. The command's JSON
writes money with exactly 2 decimals and other fractions with exactly 4
(the figures' declarations); ``json.loads(..., parse_float=Decimal)`` keeps those digits, and
``report`` turns each Decimal into its text, so comparing with ``"12.50"`` checks both the
value and the number of decimals. Counts stay ``int``, dates are ``"YYYY-MM-DD"``
strings and an empty figure is ``None``.

Fractional powers that appear in the comments were computed with Python's Decimal at 40
digits of precision, e.g. ``(Decimal("0.8").ln() * Decimal(30) / Decimal(365)).exp()``.
"""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

from django.core.management import call_command

from articles import services
from articles.models import Article, Store
from skus.models import SKU
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import bought

AS_OF = "2025-06-30"


def report(kind: str, *args: str, as_of: str = AS_OF) -> list[dict[str, Any]]:
    """The rows of ``manage.py report <kind> --as-of <as_of> --format json <args>``."""
    out = StringIO()
    call_command("report", kind, "--as-of", as_of, "--format", "json", *args, stdout=out)
    rows = json.loads(out.getvalue(), parse_float=Decimal)
    return [
        {key: str(value) if isinstance(value, Decimal) else value for key, value in row.items()}
        for row in rows
    ]


def report_csv(kind: str, *args: str, as_of: str = AS_OF) -> list[str]:
    """The lines of ``manage.py report <kind> --as-of <as_of> --format csv <args>``."""
    out = StringIO()
    call_command("report", kind, "--as-of", as_of, "--format", "csv", *args, stdout=out)
    return out.getvalue().splitlines()


def by_key(rows: list[dict[str, Any]], key: str = "number") -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def sku(code: str, **fields: Any) -> SKU:
    return SKUFactory.create(code=code, **fields)


def article(
    sku: SKU,
    number: str,
    purchased_on: str,
    price: str = "1000.00",
    **fields: Any,
) -> Article:
    """An article entered through ``services.article_create`` (with its acquisition event)."""
    store = fields.pop("store", None) or _main_store()
    return bought(sku, number, purchased_on, price, store=store, **fields)


def rental(item: Article, start: dt.datetime, end: dt.datetime | None, revenue: str = "0", **kw):
    """A usage through ``services.usage_start`` (completed when ``end`` is given)."""
    return services.usage_start(
        article=item, started_at=start, ended_at=end, revenue=Decimal(revenue), **kw
    )


def income(item: Article, at: dt.datetime, revenue: str):
    return services.money_record(
        article=item, kind="income", revenue=Decimal(revenue), occurred_at=at
    )


def expense(item: Article, at: dt.datetime, cost: str):
    return services.money_record(article=item, kind="expense", cost=Decimal(cost), occurred_at=at)


def _main_store() -> Store:
    return Store.objects.filter(name="Main").first() or StoreFactory.create(name="Main")
