"""``manage.py seed_demo``: a deterministic demo fleet made through the services.

The fleet is seeded once for the module (seeding goes through every service and
takes seconds); the tests read it inside their own rolled-back transactions.
"""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from articles.models import Article, Event, EventKind, Status, Store
from catalog_link.models import CatalogItem
from demo.fleet import DemoNotAllowed, demo_fleet_create, ledger_fingerprint
from skus.models import SKU
from tests.helpers import delete_events

TODAY = "2026-06-15"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--articles", "20", "--today", TODAY, *args, stdout=out, verbosity=0)
    return out.getvalue()


def wipe() -> None:
    CatalogItem.objects.all().delete()
    delete_events(Event.objects.all())
    Article.objects.all().delete()
    Store.objects.all().delete()
    SKU.objects.all().delete()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """(what seed_demo printed, the ledger's fingerprint) of the demo with seed 7."""
    with django_db_blocker.unblock():
        output = seed("--seed", "7")
        yield output, ledger_fingerprint()
        wipe()
        get_user_model().objects.filter(username="demo").delete()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_same_seed_makes_the_same_ledger(demo):
    wipe()
    seed("--seed", "7")
    assert ledger_fingerprint() == demo[1]


def test_another_seed_makes_another_ledger(demo):
    wipe()
    seed("--seed", "8")
    assert ledger_fingerprint() != demo[1]


def test_the_demo_uses_every_kind_of_event():
    assert set(Event.objects.values_list("kind", flat=True)) == set(EventKind.values)


def test_the_demo_has_a_loss_a_find_open_usages_and_an_open_downtime():
    assert Article.objects.filter(status=Status.LOST).count() == 1
    found = Event.objects.get(kind=EventKind.STATUS_CHANGE, notes__startswith="Found")
    assert found.article.events.filter(kind=EventKind.LOSS).exists()
    assert Event.objects.usages().open().exists()
    assert Event.objects.open_downtimes().count() == 1
    assert Article.objects.filter(status=Status.OUT_OF_USE).count() == 1


def test_the_history_runs_two_years_up_to_today():
    moments = Event.objects.order_by("occurred_at").values_list("occurred_at", flat=True)
    today = dt.date.fromisoformat(TODAY)
    first, last = moments.first(), moments.last()
    assert first is not None and last is not None
    assert (today - first.date()).days >= 730
    assert last.date() < today


def test_skis_go_out_in_winter_and_tents_in_summer():
    rentals = Event.objects.filter(kind=EventKind.RENTAL)
    ski_months = {e.occurred_at.month for e in rentals.filter(article__sku__code__startswith="SKI")}
    tent_months = {e.occurred_at.month for e in rentals.filter(article__sku__code="TENT-3P")}
    assert ski_months <= {12, 1, 2, 3, 4}
    assert tent_months <= {4, 5, 6, 7, 8, 9, 10}


def test_every_article_starts_with_its_acquisition_and_its_totals_match_its_ledger():
    for article in Article.objects.prefetch_related("events"):
        events = sorted(article.events.all(), key=lambda e: (e.occurred_at, e.pk))
        assert events[0].kind == EventKind.ACQUISITION
        assert article.total_revenue == sum(e.revenue for e in events if e.kind != EventKind.SALE)


def test_seed_demo_creates_the_demo_login_and_says_what_it_made(demo):
    assert "3 stores, 10 SKUs, 20 articles" in demo[0]
    assert "Demo login: user demo, password demo-inventory" in demo[0]
    user = authenticate(username="demo", password="demo-inventory")
    assert user is not None and user.is_superuser


def test_if_empty_leaves_a_filled_database_and_the_demo_password_alone():
    count = Event.objects.count()
    demo_user = get_user_model().objects.get(username="demo")
    demo_user.set_password("changed by its owner")
    demo_user.save()
    output = seed("--if-empty")
    assert "no demo fleet added" in output
    assert "demo-inventory" not in output
    assert Event.objects.count() == count
    assert authenticate(username="demo", password="demo-inventory") is None
    assert authenticate(username="demo", password="changed by its owner") is not None


def test_if_empty_creates_no_demo_login_on_a_database_with_other_data():
    get_user_model().objects.filter(username="demo").delete()
    seed("--if-empty")
    assert not get_user_model().objects.filter(username="demo").exists()


def test_an_existing_demo_user_makes_the_fleet_but_keeps_its_password():
    wipe()
    demo_user = get_user_model().objects.get(username="demo")
    demo_user.set_password("changed by its owner")
    demo_user.save()
    output = seed("--seed", "7")
    assert "3 stores, 10 SKUs, 20 articles" in output
    assert "demo-inventory" not in output
    assert authenticate(username="demo", password="demo-inventory") is None


@override_settings(DEMO_ALLOWED=False)
def test_seed_demo_refuses_where_settings_forbid_the_demo():
    wipe()
    get_user_model().objects.filter(username="demo").delete()
    with pytest.raises(CommandError, match="DEMO_ALLOWED is false"):
        seed()
    with pytest.raises(DemoNotAllowed):
        demo_fleet_create(articles=20, today=dt.date.fromisoformat(TODAY))
    assert not Article.objects.exists()
    assert not get_user_model().objects.filter(username="demo").exists()


def test_seed_demo_refuses_a_filled_database_without_if_empty():
    with pytest.raises(CommandError, match="already has articles"):
        seed()


def test_seed_demo_refuses_a_fleet_too_small_for_every_kind_of_life():
    with pytest.raises(CommandError, match="--articles must be at least 20"):
        call_command("seed_demo", "--articles", "5", verbosity=0)
