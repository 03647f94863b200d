"""Time the SKU and sell-off reports as of today with their rows kept per SKU.

    .venv/bin/python benchmarks/kept_bench.py [--runs 3] [--record-events] [--only NAME ...]

For ``/reports/skus/``, ``/reports/selloff/`` and ``manage.py report skus|selloff
--format csv`` (in process): **cold** (nothing kept: every SKU computed, then kept),
**warm** (every SKU kept) and, with ``--record-events``, **after one event** (a note
recorded through the services on an article, which forgets its SKU, before each run:
one SKU computed again). Prints the median and the slowest run of each. Uses the
generated database ``inventory_bench`` (``BENCH_DATABASE_URL`` overrides it), which
must have the migration ``reports/0002``; ``--record-events`` writes notes into its
ledger, so point it at a copy (``createdb -T inventory_bench ...``). Nothing here
asserts: timings live in a benchmark, not in the test suite.
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

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
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from articles import services  # noqa: E402
from articles.models import Article  # noqa: E402
from reports.figures import kept_reports_forget  # noqa: E402


def _median_and_slowest(seconds: list[float]) -> tuple[float, float]:
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--record-events", action="store_true", help="also time after one recorded event"
    )
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--only", nargs="*", default=None, help="names to time (substrings)")
    options = parser.parse_args()
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="kept-bench", defaults={"is_superuser": True, "is_staff": True}
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)

    def page(path: str) -> Callable[[], object]:
        def get() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return get

    def command(report: str) -> Callable[[], object]:
        return lambda: call_command("report", report, "--format", "csv", stdout=io.StringIO())

    targets = [
        ("/reports/skus/", page("/reports/skus/")),
        ("/reports/selloff/", page("/reports/selloff/")),
        ("report skus --format csv", command("skus")),
        ("report selloff --format csv", command("selloff")),
    ]
    articles = list(Article.objects.order_by("?").values_list("pk", flat=True)[: 4 * options.runs])

    def timed(action: Callable[[], object], before: Callable[[], object]) -> list[float]:
        seconds = []
        for _ in range(options.runs):
            before()
            started = time.perf_counter()
            action()
            seconds.append(time.perf_counter() - started)
        return seconds

    def record_one() -> None:
        article = Article.objects.get(pk=articles.pop())
        services.note_record(article=article, notes="kept_bench: one event")

    rows = []
    try:
        for name, action in targets:
            if options.only and not any(word in name for word in options.only):
                continue
            results = {"cold": timed(action, kept_reports_forget)}
            action()
            results["warm"] = timed(action, lambda: None)
            if options.record_events:
                results["after one event"] = timed(action, record_one)
            for state, seconds in results.items():
                median, slowest = _median_and_slowest(seconds)
                rows.append((name, state, median, slowest))
                if not options.markdown:
                    print(
                        f"{name:30} {state:16} median {median:8.1f} ms  slowest {slowest:8.1f} ms",
                        flush=True,
                    )
    finally:
        user.delete()
    if options.markdown:
        print("| what | kept rows | median ms | slowest ms |")
        print("| --- | --- | ---: | ---: |")
        for name, state, median, slowest in rows:
            print(f"| `{name}` | {state} | {median:,.0f} | {slowest:,.0f} |")


if __name__ == "__main__":
    main()
