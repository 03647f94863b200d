"""What keeps the admin's lists of articles and of the ledger fast at fleet scale.

- ``LimitedCountPaginator``: the changelist counts its rows for the pages' links; on
  millions of events an exact count costs more than the page. It counts exactly up to
  ``EXACT_COUNT_LIMIT`` rows and past that takes PostgreSQL's planner estimate: the
  number of results and of pages shown are then close, not exact.
- ``article_search`` and ``event_search``: the admin's search boxes, written so that
  an index serves every branch of the OR (``articles/migrations/0006``): SKUs and
  articles that match are resolved in a query of their own first, and the list is then
  filtered by their ids, instead of an OR across a join that no index can serve.
- ``OccurredYearFilter``, ``PurchasedYearFilter``: the ledger, the articles by year.
  The choices come from the first and the last value (two ends of an index), where
  Django's ``date_hierarchy`` reads every row for the distinct years.
"""

import datetime as dt
import json
from functools import cached_property
from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import DateTimeField, Max, Min, Model, Q, QuerySet
from django.utils import timezone

from skus.models import SKU

from ..models import Article, Event

EXACT_COUNT_LIMIT = 10_000
# More articles than this matching an event search are not worth an id list: the
# search then keeps to references.
MAX_SEARCH_ARTICLES = 1_000


def planner_estimate(queryset: QuerySet[Any]) -> int:
    """How many rows PostgreSQL expects ``queryset`` to give (EXPLAIN, not a count)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class LimitedCountPaginator(Paginator):
    """Exact counts up to ``EXACT_COUNT_LIMIT`` rows, the planner's estimate past it."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        limited = rows.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if limited <= EXACT_COUNT_LIMIT:
            return limited
        if connection.vendor != "postgresql":
            return rows.count()
        return max(EXACT_COUNT_LIMIT + 1, planner_estimate(rows))


def article_search(queryset: QuerySet[Article], term: str) -> QuerySet[Article]:
    """Articles whose number, serial number, manufacturer or model contains ``term``,
    or whose SKU's code or name does (the SKUs looked up first, by id after)."""
    term = term.strip()
    if not term:
        return queryset
    sku_ids = list(
        SKU.objects.filter(Q(code__icontains=term) | Q(name__icontains=term)).values_list(
            "pk", flat=True
        )
    )
    return queryset.filter(
        Q(number__icontains=term)
        | Q(serial_number__icontains=term)
        | Q(manufacturer__icontains=term)
        | Q(model__icontains=term)
        | Q(sku_id__in=sku_ids)
    )


def event_search(queryset: QuerySet[Event], term: str) -> QuerySet[Event]:
    """Events of the articles whose number contains ``term`` (looked up first), or
    whose reference begins with it."""
    term = term.strip()
    if not term:
        return queryset
    article_ids = list(
        Article.objects.filter(number__icontains=term)
        .order_by()
        .values_list("pk", flat=True)[: MAX_SEARCH_ARTICLES + 1]
    )
    by_reference = Q(reference__istartswith=term)
    if len(article_ids) > MAX_SEARCH_ARTICLES:
        # The term names a whole SKU or more: an id list would be much of the fleet.
        by_article = Q(article__in=Article.objects.filter(number__icontains=term))
        return queryset.filter(by_article | by_reference)
    return queryset.filter(Q(article_id__in=article_ids) | by_reference)


class YearFilter(admin.SimpleListFilter):
    """The rows of one calendar year of ``field`` (a date, or a moment read in the
    installation's time zone); the years offered run from the first to the last."""

    model: type[Model]
    field: str

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        span = self.model._default_manager.aggregate(first=Min(self.field), last=Max(self.field))
        if span["first"] is None:
            return []
        first, last = (self._year(span[end]) for end in ("first", "last"))
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    @staticmethod
    def _year(value: dt.date) -> int:
        return timezone.localtime(value).year if isinstance(value, dt.datetime) else value.year

    def queryset(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit() or not 1900 <= int(value) <= 9998:
            return queryset.none()
        year = int(value)
        begin: dt.date = dt.date(year, 1, 1)
        end: dt.date = dt.date(year + 1, 1, 1)
        if isinstance(self.model._meta.get_field(self.field), DateTimeField):
            zone = timezone.get_current_timezone()
            begin = dt.datetime(year, 1, 1, tzinfo=zone)
            end = dt.datetime(year + 1, 1, 1, tzinfo=zone)
        return queryset.filter(**{f"{self.field}__gte": begin, f"{self.field}__lt": end})


class OccurredYearFilter(YearFilter):
    title = "year"
    parameter_name = "year"
    model = Event
    field = "occurred_at"


class PurchasedYearFilter(YearFilter):
    title = "year purchased"
    parameter_name = "purchased"
    model = Article
    field = "purchased_on"
