"""The SQL figures agree with a naive reading of SPEC.md on a whole demo fleet."""

import contextlib
import datetime as dt
import random
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import QuerySet
from django.test import override_settings

from articles import services
from articles.models import Article
from reports.figures import (
    ARTICLE_FIGURES,
    SKU_FIGURES,
    article_figures,
    selloff_candidates,
    sku_figures,
)
from reports.formatting import format_value
from tests.factories import SKUFactory, StoreFactory
from tests.outputs.fleet import write_fleet
from tests.reports.reference import (
    article_figures_by_hand,
    bought_by,
    selloff_by_hand,
    sku_figures_by_hand,
)
from tests.reports.test_articles_csv_streamed import assert_same_in_every_scope, postgresql_only

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


def seed_demo() -> None:
    call_command("seed_demo", "--articles", "40", "--today", TODAY.isoformat(), verbosity=0)


def wear_out() -> None:
    """Two SKUs of 30 articles each, most of them disposed at random moments after a few
    random rentals, so that medians and Kaplan–Meier have something to chew on."""
    rng = random.Random(7)
    store = StoreFactory.create()
    for code in ("WORN", "MIXED"):
        sku = SKUFactory.create(code=code)
        for n in range(30):
            purchased = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 500))
            article = services.article_create(
                sku=sku,
                store=store,
                number=f"{code}-{n:02d}",
                purchased_on=purchased,
                purchase_price=Decimal(rng.choice(["0", "250", "400.50", "999.99"])),
            )
            moment = services.start_of_day(purchased) + dt.timedelta(hours=rng.randrange(1, 400))
            for _ in range(rng.randrange(0, 6)):
                length = dt.timedelta(hours=rng.randrange(1, 200))
                services.usage_start(
                    article=article,
                    started_at=moment,
                    ended_at=moment + length,
                    revenue=Decimal(rng.randrange(0, 9000)) / 100,
                )
                moment += length + dt.timedelta(hours=rng.randrange(0, 300))
            if rng.random() < 0.3:
                services.usage_start(article=article, started_at=moment, revenue="12.00")
                moment += dt.timedelta(hours=rng.randrange(1, 100))
            fate = rng.random()
            if code == "WORN" and fate < 0.75 or code == "MIXED" and fate < 0.4:
                dispose = rng.choice(
                    [services.article_sell, services.article_report_lost, services.article_retire]
                )
                if dispose is services.article_retire:
                    if article.events.filter(kind="rental", ended_at__isnull=True).exists():
                        services.usage_end(article=article, ended_at=moment)
                    moment += dt.timedelta(hours=1)
                    services.article_retire(article=article, occurred_at=moment)
                elif dispose is services.article_sell:
                    services.article_sell(article=article, occurred_at=moment, price="100")
                else:
                    services.article_report_lost(article=article, occurred_at=moment)


# Each fleet: how it is built, and the time zone the installation is in while it is
# built and read (None: the test settings' own). The demo business is in Tyrol: its own
# time zone, with daylight saving time.
def generate() -> None:
    """The generated fleet of ``tests/outputs``, through the two import files: every kind
    of event, transfers, manual status changes, losses found again, open usages."""
    with tempfile.TemporaryDirectory() as folder:
        articles, events = write_fleet(Path(folder))
        call_command("import_articles", str(articles), verbosity=0)
        call_command("import_events", str(events), verbosity=0)


FLEETS: dict[str, tuple[Callable[[], None], str | None]] = {
    "demo-UTC": (seed_demo, "UTC"),
    "demo-Europe/Vienna": (seed_demo, "Europe/Vienna"),
    "worn-out": (wear_out, None),
    "generated": (generate, "America/New_York"),
}
GENERATED_AS_OF = [dt.date(2026, 6, 30), dt.date(2025, 6, 30), dt.date(2024, 3, 10)]


@pytest.fixture(scope="module")
def fleet(request, django_db_setup, django_db_blocker) -> Iterator[QuerySet[Article]]:
    """The fleet a test names (``@on(...)``), built once for every test of this module
    that names it. pytest runs the tests of one fleet together and tears it down before
    it builds the next, so there is one fleet at a time; it is built in a transaction
    that is rolled back after its last test, which leaves the database empty for the
    other modules, and each test still runs in its own savepoint inside it."""
    build, zone = FLEETS[request.param]
    in_zone = override_settings(TIME_ZONE=zone) if zone else contextlib.nullcontext()
    with django_db_blocker.unblock(), transaction.atomic(), in_zone:
        build()
        yield Article.objects.prefetch_related("events").select_related("sku")
        transaction.set_rollback(True)


def on(*names: str) -> pytest.MarkDecorator:
    """Run the test once on each of the fleets ``names``."""
    return pytest.mark.parametrize("fleet", names, indirect=True)


AS_OF_DATES = [TODAY, TODAY - dt.timedelta(days=1), dt.date(2025, 8, 15), dt.date(2025, 1, 31)]


@on("demo-UTC", "demo-Europe/Vienna")
def test_article_figures_match_the_naive_reading_of_the_spec(fleet):
    for as_of in AS_OF_DATES:
        check_figures(fleet, as_of)


def check_figures(fleet, as_of):
    computed = {row["number"]: row for row in article_figures(as_of=as_of)}
    bought = bought_by(list(fleet), as_of)
    assert sorted(computed) == sorted(article.number for article in bought)
    checked = 0
    for article in bought:
        expected = article_figures_by_hand(article, as_of)
        # The leading columns say which article a row is about: its current store,
        # status and condition; the figures after them are as of the date.
        for column in ARTICLE_FIGURES[5:]:
            assert format_value(column, computed[article.number][column]) == format_value(
                column, expected[column]
            ), f"{article.number} {column} as of {as_of}"
        checked += 1
    assert checked >= 20


SKU_COLUMNS = SKU_FIGURES[1 : SKU_FIGURES.index("surplus") + 1]


@on("demo-Europe/Vienna")
@pytest.mark.parametrize("window_days", [365, 90])
@pytest.mark.parametrize("as_of", [TODAY, dt.date(2025, 12, 31), dt.date(2025, 8, 15)], ids=str)
def test_sku_figures_match_the_naive_reading_of_the_spec(fleet, window_days, as_of):
    by_sku = defaultdict(list)
    for article in fleet:
        by_sku[article.sku].append(article)
    computed = {row["sku_code"]: row for row in sku_figures(as_of=as_of, window_days=window_days)}
    for sku, articles in by_sku.items():
        expected = sku_figures_by_hand(sku, articles, as_of, window_days)
        for column in SKU_COLUMNS:
            assert format_value(column, computed[sku.code][column]) == format_value(
                column, expected[column]
            ), f"{sku.code} {column} as of {as_of}"


@on("worn-out")
@pytest.mark.parametrize("as_of", [dt.date(2024, 3, 31), dt.date(2025, 12, 31)], ids=str)
def test_figures_of_a_worn_out_fleet_match_the_naive_reading(fleet, as_of):
    check_figures(fleet, as_of)
    by_sku = defaultdict(list)
    for article in fleet:
        by_sku[article.sku].append(article)
    computed = {row["sku_code"]: row for row in sku_figures(as_of=as_of, window_days=120)}
    for sku, articles in by_sku.items():
        expected = sku_figures_by_hand(sku, articles, as_of, 120)
        for column in SKU_COLUMNS:
            assert format_value(column, computed[sku.code][column]) == format_value(
                column, expected[column]
            ), f"{sku.code} {column} as of {as_of}"


def check_selloff(fleet, as_of, window_days):
    by_sku = defaultdict(list)
    for article in fleet:
        by_sku[article.sku].append(article)
    expected = [
        row
        for sku, articles in by_sku.items()
        for row in selloff_by_hand(sku, articles, as_of, window_days)
    ]
    expected.sort(key=lambda row: (row["keep_margin"], row["number"]))
    computed = selloff_candidates(as_of=as_of, window_days=window_days)
    assert [row["number"] for row in computed] == [row["number"] for row in expected]
    for got, want in zip(computed, expected, strict=True):
        assert got["reasons"] == want["reasons"], got["number"]
        for column in (
            "keep_margin",
            "trailing_net",
            "value_loss",
            "window_usage_days",
            "challenger_margin",
            "renewal_gain",
        ):
            assert format_value(column, got[column]) == format_value(column, want[column]), (
                f"{got['number']} {column}"
            )
    return len(computed)


@on("demo-Europe/Vienna")
@pytest.mark.parametrize("window_days", [365, 90])
def test_selloff_of_the_demo_matches_the_naive_reading(fleet, window_days):
    assert check_selloff(fleet, TODAY, window_days) > 0
    check_selloff(fleet, dt.date(2025, 12, 31), window_days)


@on("generated")
@pytest.mark.parametrize("as_of", GENERATED_AS_OF, ids=str)
def test_figures_of_a_generated_fleet_match_the_naive_reading(fleet, as_of):
    """A fleet imported from files, in a zone with summer time, a year and more back."""
    check_figures(fleet, as_of)
    by_sku = defaultdict(list)
    for article in fleet:
        by_sku[article.sku].append(article)
    computed = {row["sku_code"]: row for row in sku_figures(as_of=as_of)}
    for sku, articles in by_sku.items():
        expected = sku_figures_by_hand(sku, articles, as_of, 365)
        for column in SKU_COLUMNS:
            assert format_value(column, computed[sku.code][column]) == format_value(
                column, expected[column]
            ), f"{sku.code} {column} as of {as_of}"
    check_selloff(fleet, as_of, 365)


@on("worn-out")
@pytest.mark.parametrize("as_of", [dt.date(2024, 3, 31), dt.date(2025, 12, 31)], ids=str)
def test_selloff_of_a_worn_out_fleet_matches_the_naive_reading(fleet, as_of):
    check_selloff(fleet, as_of, 120)


# The articles CSV streamed from PostgreSQL (``reports.figures.articles_csv``) is, byte
# for byte, the Python path's on the same fleets (built once for this module).
@postgresql_only
@on("demo-Europe/Vienna", "worn-out")
def test_the_reference_fleets_stream_the_python_bytes(fleet):
    assert_same_in_every_scope([*AS_OF_DATES, None])


@postgresql_only
@on("generated")
def test_the_imported_fleet_streams_the_python_bytes(fleet):
    assert_same_in_every_scope([*GENERATED_AS_OF, None])
