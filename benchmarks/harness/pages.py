"""The staff pages and the admin, one request at a time through Django's test client in
process, logged in as a superuser made for the run (needs ``common.setup_django``).

The SKU and sell-off reports as of today read the rows kept per SKU
(``reports/figures/kept.py``): they are timed "warm" (every SKU kept) and "cold" (the
kept rows deleted before each request, so that each computes and keeps them again),
which writes to the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Event
from catalog_link.models import CatalogItem
from reports.models import KeptSkuReport
from skus.models import SKU

from .common import Timing, timed

# Issue 11's targets in milliseconds, by page name; the others have none.
TARGETS_MS = {
    "overview": 300,
    "SKU report": 500,
    "sell-off report": 500,
    "admin event list": 300,
    "admin event search (reference)": 300,
    "admin event search (article number)": 300,
    "admin article search (serial)": 150,
}
KEPT_PAGES = ("SKU report", "sell-off report")
USERNAME = "benchmark-run"


@dataclass(frozen=True)
class Page:
    name: str
    path: str

    @property
    def target_ms(self) -> int | None:
        return TARGETS_MS.get(self.name.split(" [")[0])


@dataclass(frozen=True)
class PageResult:
    page: Page
    timing: Timing
    queries: int


def pages() -> list[Page]:
    """Every page timed, on an article halfway through the fleet and its SKU."""
    article = Article.objects.select_related("sku").order_by("pk")[Article.objects.count() // 2]
    event = Event.objects.filter(article=article).exclude(reference="").first()
    reference = event.reference if event else article.number
    prefix = article.number[: len(article.number) - 3]
    sku = article.sku if article.sku_id else SKU.objects.order_by("code").first()
    listed = [
        Page("overview", "/"),
        Page("article list", "/articles/"),
        Page("article list, number prefix", f"/articles/?q={prefix}"),
        Page("article page", article.get_absolute_url()),
        Page("SKU list", "/skus/"),
        Page("SKU page", sku.get_absolute_url() if sku else "/skus/"),
    ]
    if CatalogItem.objects.exists():
        listed.append(Page("catalog", "/catalog/"))
    return [
        *listed,
        Page("SKU report", "/reports/skus/"),
        Page("sell-off report", "/reports/selloff/"),
        Page("article report", "/reports/articles/"),
        Page("admin event list", "/admin/articles/event/"),
        Page("admin event search (reference)", f"/admin/articles/event/?q={reference}"),
        Page("admin event search (article number)", f"/admin/articles/event/?q={article.number}"),
        Page("admin article list", "/admin/articles/article/"),
        Page(
            "admin article search (serial)", f"/admin/articles/article/?q={article.serial_number}"
        ),
        Page("admin article search (number)", f"/admin/articles/article/?q={article.number}"),
        Page("admin article page", f"/admin/articles/article/{article.pk}/change/"),
    ]


@contextmanager
def logged_in() -> Iterator[Client]:
    """A test client logged in as a superuser that exists for the run only."""
    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_superuser": True, "is_staff": True}
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    try:
        yield client
    finally:
        user.delete()


def _forget_kept() -> None:
    KeptSkuReport.objects.all().delete()


def time_pages(runs: int, *, kept: bool, report: Callable[[PageResult], None]) -> list[PageResult]:
    """Every page, ``report`` called as each is done; with ``kept``, the two kept
    reports warm and cold (which deletes the kept rows)."""
    results = []
    with logged_in() as client:

        def get(path: str) -> Callable[[], None]:
            def fetch() -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return fetch

        for page in pages():
            states: list[tuple[str, Callable[[], None] | None]] = [("", None)]
            if page.name in KEPT_PAGES:
                states = [(" [warm]", None), *([(" [cold]", _forget_kept)] if kept else [])]
            for label, before in states:
                fetch = get(page.path)
                timing = timed(fetch, runs, before=before)
                if before:
                    before()
                with CaptureQueriesContext(connection) as queries:
                    fetch()
                result = PageResult(Page(page.name + label, page.path), timing, len(queries))
                results.append(result)
                report(result)
    return results
