"""EXPLAIN ANALYZE of the statements behind the admin's lists (docs/performance.md).

    .venv/bin/python benchmarks/explain_admin.py > out.txt

Against ``inventory_bench`` (``BENCH_DATABASE_URL`` overrides it). Prints, for each
statement, its plan with the time PostgreSQL took; nothing is changed.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/inventory_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inventory_site.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef, Q, QuerySet  # noqa: E402

from articles.admin.lists import article_search, event_search  # noqa: E402
from articles.models import Article, Event  # noqa: E402


def explain(title: str, queryset: QuerySet) -> None:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    print(f"## {title}\n\n```\n{sql % tuple(repr(p) for p in params)}\n\n" + "\n".join(plan))
    print("```\n", flush=True)


def main() -> None:
    article = Article.objects.order_by("pk")[Article.objects.count() // 2]
    reference = Event.objects.filter(article=article).exclude(reference="")[0].reference
    events = Event.objects.select_related("article", "store", "recorded_by", "closed_by")
    explain("event list, newest first", events.order_by("-occurred_at", "-pk")[:100])
    explain("event count (the whole ledger)", Event.objects.order_by().values("pk"))
    explain(
        "event search by reference (new: prefix)",
        event_search(events, reference).order_by("-occurred_at", "-pk")[:100],
    )
    explain(
        "event search by article number (new: ids first)",
        event_search(events, article.number).order_by("-occurred_at", "-pk")[:100],
    )
    explain(
        "event search, old form: OR across the join",
        events.filter(
            Q(article__number__icontains=reference) | Q(reference__icontains=reference)
        ).order_by("-occurred_at", "-pk")[:100],
    )
    open_usage = Event.objects.usages().open().filter(article=OuterRef("pk"))
    articles = Article.objects.select_related("sku", "store").annotate(on_order=Exists(open_usage))
    explain(
        "article search by serial (new)",
        article_search(articles, article.serial_number).order_by("number", "-pk")[:50],
    )
    explain(
        "article search, old form: OR across the join to SKUs",
        articles.filter(
            Q(number__icontains=article.serial_number)
            | Q(serial_number__icontains=article.serial_number)
            | Q(manufacturer__icontains=article.serial_number)
            | Q(model__icontains=article.serial_number)
            | Q(sku__code__icontains=article.serial_number)
            | Q(sku__name__icontains=article.serial_number)
        ).order_by("number", "-pk")[:50],
    )
    explain("articles in stock now (availability)", Article.objects.available().values("pk"))


if __name__ == "__main__":
    main()
