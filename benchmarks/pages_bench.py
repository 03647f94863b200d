"""Time the staff pages and the admin at scale on PostgreSQL, one request at a time.

    .venv/bin/python benchmarks/pages_bench.py [--runs 7] [--only NAME ...] [--markdown]

Uses the generated database ``inventory_bench`` (``reports_bench.py`` builds it with
``manage.py generate_fleet``; nothing here builds it). Each page is fetched through
Django's test client, in process, logged in as a superuser that is created for the run
and deleted after it: one warm-up request (templates, the connection, the database's
caches), then ``--runs`` timed ones. Prints the median, the 95th percentile (the
slowest run when there are fewer than 20) and the number of SQL statements of each
page, with its target (issue 11). Nothing here asserts: timings live in a benchmark,
not in the test suite. ``BENCH_DATABASE_URL`` overrides the database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/inventory_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inventory_site.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article, Event  # noqa: E402


def pages() -> list[tuple[str, str, int]]:
    """(name, path, target in ms) of every page timed."""
    article = Article.objects.order_by("pk")[Article.objects.count() // 2]
    event = Event.objects.filter(article=article).exclude(reference="").first()
    reference = event.reference if event else article.number
    return [
        ("overview", "/", 300),
        ("sku report", "/reports/skus/", 500),
        ("sell-off report", "/reports/selloff/", 500),
        ("article report", "/reports/articles/", 500),
        ("admin event list", "/admin/articles/event/", 300),
        ("admin event search", f"/admin/articles/event/?q={reference}", 300),
        ("admin article list", "/admin/articles/article/", 300),
        (
            "admin article search (serial)",
            f"/admin/articles/article/?q={article.serial_number}",
            150,
        ),
        ("admin article search (number)", f"/admin/articles/article/?q={article.number}", 150),
        ("admin article page", f"/admin/articles/article/{article.pk}/change/", 300),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", nargs="*", default=None, help="names to time (substrings)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    options = parser.parse_args()
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="pages-bench", defaults={"is_superuser": True, "is_staff": True}
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    rows = []
    statements: list[str] = []

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    try:
        for name, path, target in pages():
            if options.only and not any(word in name for word in options.only):
                continue
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            seconds = []
            statements.clear()
            with connection.execute_wrapper(counted):
                client.get(path)
            for _ in range(options.runs):
                started = time.perf_counter()
                client.get(path)
                seconds.append(time.perf_counter() - started)
            seconds.sort()
            median = statistics.median(seconds) * 1000
            p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))] * 1000
            rows.append((name, path, median, p95, len(statements), target))
            if not options.markdown:
                verdict = "ok" if median < target else "OVER TARGET"
                print(
                    f"{name:32} median {median:8.1f} ms  p95 {p95:8.1f} ms  "
                    f"{len(statements):3} queries  (target < {target} ms) {verdict}",
                    flush=True,
                )
    finally:
        user.delete()
    if options.markdown:
        print("| page | median ms | p95 ms | queries | target ms |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, path, median, p95, queries, target in rows:
            print(f"| {name} (`{path}`) | {median:,.0f} | {p95:,.0f} | {queries} | {target} |")


if __name__ == "__main__":
    main()
