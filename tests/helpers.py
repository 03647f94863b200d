"""Helpers shared by the tests of several apps: instants written the short way, and an
article bought through the services.

Two spellings, because the tests read two kinds of time: the ledger tests play out over
a few days of May 2025 during opening hours (``at(3)`` is 3 May 2025, 10:00), while the
report tests name calendar days around an as-of date (``moment("2025-07-01")`` is the
start of that day). Both are aware, in the installation's time zone.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from articles import services
from articles.models import Article, Store
from inventory_site.roles import role_group
from skus.models import SKU
from tests.factories import StoreFactory, UserFactory


def at(day: int, hour: int = 10, *, month: int = 5, year: int = 2025) -> dt.datetime:
    """``hour`` o'clock on ``day`` of May 2025 (or of ``month`` and ``year``)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def moment(
    day: dt.date | str, hour: int = 0, minute: int = 0, second: int = 0, microsecond: int = 0
) -> dt.datetime:
    """An instant on ``day`` (a date or ``"YYYY-MM-DD"``)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    clock = dt.time(hour, minute, second, microsecond)
    return timezone.make_aware(dt.datetime.combine(day, clock))


def bought(
    sku: SKU,
    number: str,
    purchased_on: str,
    price: str = "1000.00",
    *,
    store: Store | None = None,
    **fields: Any,
) -> Article:
    """An article entered through ``services.article_create``, so with its acquisition
    event, bought on ``purchased_on`` (``"YYYY-MM-DD"``); in a new store unless given one."""
    return services.article_create(
        sku=sku,
        store=store or StoreFactory.create(),
        number=number,
        purchased_on=dt.date.fromisoformat(purchased_on),
        purchase_price=Decimal(price),
        **fields,
    )


def delete_events(events: Any) -> None:
    """Delete ``events``, as only a test may: on PostgreSQL the ledger's trigger
    refuses any DELETE, so triggers are off for the statement (the role a replica
    applies changes in)."""
    if connection.vendor != "postgresql":
        events.delete()
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            events.delete()
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def user_with_role(role: str, **fields) -> User:
    """A new user in the group ``role`` (``inventory_site.roles``). The migration makes
    the groups; a test that flushed the database gets them made again."""
    user = UserFactory.create(**fields)
    user.groups.add(role_group(role))
    return user


# The start of the statement that reads a page of articles, every field.
ARTICLE_ROW = (
    'SELECT "articles_article"."id", "articles_article"."number", "articles_article"."sku_id"'
)


def article_page_statement(queries: Any) -> str:
    """The one statement among ``queries`` (a ``CaptureQueriesContext``) that read a page
    of articles."""
    (page,) = [
        q["sql"]
        for q in queries.captured_queries
        if " LIMIT " in q["sql"] and ARTICLE_ROW in q["sql"]
    ]
    return page
