"""The stored per-article totals over the whole ledger, computed in one place.

``total_usage_count``, ``total_revenue``, ``total_expenses`` and
``total_sale_proceeds`` make listing and sorting articles by these figures cheap; the
reports compute their "as of" figures from the ledger itself. Which kinds feed which
total comes from ``articles.kinds``: usages are counted, the revenue of a kind whose
revenue is sale proceeds is kept apart from the revenue, and every cost is an expense.
"""

from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from .kinds import PROCEEDS_KINDS, USAGE_KINDS
from .models import Article, Event

# Articles per statement: the portable subquery UPDATE names them in an IN list,
# PostgreSQL's aggregate UPDATE in one array parameter.
CHUNK = 500
POSTGRESQL_CHUNK = 5000


def article_totals_refresh(*, articles: QuerySet[Article]) -> int:
    """Recompute the stored totals of ``articles`` from their events, in one UPDATE
    with a correlated subquery per total (any database)."""
    events = Event.objects.filter(article=OuterRef("pk")).order_by().values("article")
    money: DecimalField = DecimalField(max_digits=14, decimal_places=2)

    def total(expression: Aggregate, *conditions: Q, **filters: object) -> Coalesce:
        subquery = events.filter(*conditions, **filters).annotate(total=expression).values("total")
        return Coalesce(Subquery(subquery), Value(0), output_field=expression.output_field)

    return articles.update(
        total_usage_count=total(Count("pk"), kind__in=USAGE_KINDS),
        total_revenue=total(Sum("revenue", output_field=money), ~Q(kind__in=PROCEEDS_KINDS)),
        total_expenses=total(Sum("cost", output_field=money)),
        total_sale_proceeds=total(Sum("revenue", output_field=money), kind__in=PROCEEDS_KINDS),
    )


def articles_totals_refresh(*, article_ids: Iterable[int]) -> None:
    """``article_totals_refresh`` for many articles at once, by their ids.

    On PostgreSQL one aggregate pass over their events per 5,000 articles instead of
    four correlated subqueries per article: the same sums. Articles without events
    keep their totals there (an article always has its acquisition).
    """
    ids = list(article_ids)
    if connection.vendor != "postgresql":
        for chunk in _chunks(ids, CHUNK):
            article_totals_refresh(articles=Article.objects.filter(pk__in=chunk))
        return
    quote = connection.ops.quote_name
    sql = f"""
        UPDATE {quote(Article._meta.db_table)} AS article
        SET total_usage_count = totals.usage_count,
            total_revenue = totals.revenue,
            total_expenses = totals.expenses,
            total_sale_proceeds = totals.sale_proceeds
        FROM (
            SELECT article_id,
                   COUNT(*) FILTER (WHERE kind = ANY(%(usage)s)) AS usage_count,
                   COALESCE(SUM(revenue) FILTER (WHERE NOT kind = ANY(%(proceeds)s)), 0)
                       AS revenue,
                   COALESCE(SUM(cost), 0) AS expenses,
                   COALESCE(SUM(revenue) FILTER (WHERE kind = ANY(%(proceeds)s)), 0)
                       AS sale_proceeds
            FROM {quote(Event._meta.db_table)}
            WHERE article_id = ANY(%(ids)s)
            GROUP BY article_id
        ) AS totals
        WHERE article.id = totals.article_id
    """
    kinds = {"usage": sorted(USAGE_KINDS), "proceeds": sorted(PROCEEDS_KINDS)}
    with connection.cursor() as cursor:
        for chunk in _chunks(ids, POSTGRESQL_CHUNK):
            cursor.execute(sql, {**kinds, "ids": chunk})


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
