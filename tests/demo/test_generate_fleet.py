"""``manage.py generate_fleet``: a generated fleet is deterministic and is what the
services would have made of the same events.

Seed 6 with 60 articles of about 8 events holds every event kind and every status,
an open usage and an open downtime, so the replay below walks every service.
"""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Event, EventKind, Status, Store
from articles.services import article_create, articles_totals_refresh, event_record
from demo.fleet import ledger_fingerprint
from demo.generated import fleet_generate
from reports.figures import article_figures
from skus.models import SKU
from tests.helpers import delete_events

pytestmark = pytest.mark.django_db

SEED, ARTICLES, EVENTS = 6, 60, 8
TOTALS = ("total_usage_count", "total_revenue", "total_expenses", "total_sale_proceeds")
EVENT_FIELDS = (
    "kind",
    "occurred_at",
    "ended_at",
    "due_at",
    "downtime",
    "revenue",
    "cost",
    "reference",
    "condition",
    "store_id",
    "status",
)


def generate(seed: int = SEED) -> None:
    fleet_generate(articles=ARTICLES, events_per_article=EVENTS, seed=seed)


def wipe() -> None:
    delete_events(Event.objects.all())
    Article.objects.all().delete()
    Store.objects.all().delete()
    SKU.objects.all().delete()


def replay(original: Article) -> Article:
    """The same article and events, recorded through the services in time order."""
    events = list(original.events.order_by("occurred_at", "pk"))
    acquisition = events[0]
    assert acquisition.kind == EventKind.ACQUISITION and acquisition.store is not None
    copy = article_create(
        sku=original.sku,
        store=acquisition.store,
        purchased_on=original.purchased_on,
        number=f"R{original.number}",
        allocation=original.allocation,
        purchase_price=original.purchase_price,
        serial_number=original.serial_number,
        acquired_at=acquisition.occurred_at,
    )
    for event in events[1:]:
        event_record(
            article=copy,
            **{f: getattr(event, f) for f in EVENT_FIELDS if f not in ("downtime", "store_id")},
            store=event.store,
            notes=event.notes,
        )
    copy.refresh_from_db()
    return copy


def article_facts(article: Article) -> tuple[Any, ...]:
    fields = ("status", "condition", "store_id", "disposed_at", *TOTALS)
    return tuple(getattr(article, f) for f in fields)


def ledger(article: Article) -> list[tuple[Any, ...]]:
    return list(article.events.order_by("occurred_at", "pk").values_list(*EVENT_FIELDS))


def test_the_same_seed_makes_the_same_fleet():
    generate()
    first = ledger_fingerprint()
    wipe()
    generate()
    assert ledger_fingerprint() == first


def test_another_seed_makes_another_fleet():
    generate()
    first = ledger_fingerprint()
    wipe()
    generate(seed=SEED + 1)
    assert ledger_fingerprint() != first


def test_the_fleet_holds_every_kind_and_status_and_open_work():
    generate()
    assert set(Event.objects.values_list("kind", flat=True)) == set(EventKind.values)
    assert set(Article.objects.values_list("status", flat=True)) == set(Status.values)
    assert Event.objects.usages().open().exists()
    assert Event.objects.open_downtimes().exists()
    assert Article.objects.exclude(serial_number="").count() == ARTICLES


def test_stored_totals_equal_the_sums_over_the_ledger():
    generate()
    stored = {a.pk: article_facts(a) for a in Article.objects.all()}
    articles_totals_refresh(article_ids=list(stored))
    assert {a.pk: article_facts(a) for a in Article.objects.all()} == stored


def test_the_services_make_the_same_articles_ledgers_and_figures_of_the_same_events():
    generate()
    originals = list(Article.objects.select_related("sku").order_by("pk"))
    copies = [replay(original) for original in originals]
    for original, copy in zip(originals, copies, strict=True):
        assert article_facts(copy) == article_facts(original), original.number
        assert ledger(copy) == ledger(original), original.number
    as_of = Event.objects.latest("occurred_at").occurred_at.date()

    def figures(ids: list[int]) -> list[dict[str, Any]]:
        rows = article_figures(as_of=as_of, articles=Article.objects.filter(pk__in=ids))
        by_number = {row["number"].removeprefix("R"): row for row in rows}
        return [
            {k: v for k, v in by_number[o.number].items() if k not in ("number", "id")}
            for o in originals
        ]

    assert figures([c.pk for c in copies]) == figures([o.pk for o in originals])


def test_the_command_refuses_a_database_that_has_articles():
    generate()
    with pytest.raises(CommandError, match="empty"):
        call_command("generate_fleet", "--articles", "5", stdout=StringIO(), verbosity=0)


def test_the_command_reports_what_it_made():
    out = StringIO()
    call_command("generate_fleet", "--articles", "30", "--seed", "2", stdout=out, verbosity=0)
    assert "30 articles" in out.getvalue()
    assert Article.objects.count() == 30
