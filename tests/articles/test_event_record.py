"""``event_record``: one ledger row of any kind, through the service that owns its rules."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from articles import services
from articles.models import Condition, Event, EventKind, Status
from tests.factories import ArticleFactory, StoreFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


def record(article, kind, **fields):
    return services.event_record(article=article, kind=kind, occurred_at=at(3), **fields)


# Every kind a row may have, with a valid row of it and what the article looks like after.
ROWS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "rental": ({"ended_at": at(5), "revenue": "30", "condition": "fair"}, {"condition": "fair"}),
    "subscription": ({"revenue": "49"}, {"status": "active"}),
    "maintenance": ({"cost": "10"}, {"status": "active"}),
    "repair": ({"status": "out_of_use", "cost": "60"}, {"status": "out_of_use"}),
    "cleaning": ({"ended_at": at(4), "cost": "5"}, {"status": "active"}),
    "inspection": ({"condition": "poor", "cost": "5"}, {"condition": "poor"}),
    "transfer": ({"cost": "12"}, {}),  # the store is added in the test
    "status_change": ({"status": "out_of_use", "notes": "Flat tyre."}, {"status": "out_of_use"}),
    "income": ({"revenue": "15"}, {"status": "active"}),
    "expense": ({"cost": "7.50"}, {"status": "active"}),
    "sale": ({"revenue": "300"}, {"status": "sold"}),
    "retirement": ({"cost": "20"}, {"status": "retired"}),
    "loss": ({"revenue": "250"}, {"status": "lost"}),
    "adjustment": ({"revenue": "1", "cost": "2"}, {"status": "active"}),
    "note": ({"notes": "Bell missing."}, {"status": "active"}),
}


def test_rows_cover_every_kind_but_the_acquisition():
    assert set(ROWS) == set(EventKind.values) - {EventKind.ACQUISITION}


@pytest.mark.parametrize("kind", list(ROWS))
def test_event_record_dispatches_every_kind(kind, article, user):
    fields, expected = ROWS[kind]
    if kind == "transfer":
        fields = {**fields, "store": StoreFactory.create(name="Old Town")}

    event = record(article, kind, reference="REF-1", acting_user=user, **fields)

    stored = Event.objects.get(pk=event.pk)
    assert (stored.kind, stored.occurred_at, stored.reference) == (kind, at(3), "REF-1")
    assert stored.revenue == Decimal(fields.get("revenue", "0"))
    assert stored.cost == Decimal(fields.get("cost", "0"))
    assert stored.recorded_by == user
    article.refresh_from_db()
    for field, value in expected.items():
        assert getattr(article, field) == value
    if kind == "transfer":
        assert article.store.name == "Old Town"


def test_service_row_with_status_out_of_use_and_no_end_is_an_open_downtime(article):
    event = record(article, EventKind.REPAIR, status=Status.OUT_OF_USE)

    assert (event.downtime, event.ended_at, event.status) == (True, None, Status.OUT_OF_USE)


def test_service_row_with_an_end_is_a_completed_downtime(article):
    event = record(article, EventKind.REPAIR, status=Status.OUT_OF_USE, ended_at=at(4))

    article.refresh_from_db()
    assert (event.downtime, event.ended_at) == (True, at(4))
    assert article.status == Status.ACTIVE


def test_service_row_without_status_or_end_has_no_downtime(article):
    assert record(article, EventKind.MAINTENANCE).downtime is False


def test_usage_row_goes_through_the_usage_rules(article, assert_refused):
    record(article, EventKind.RENTAL)

    assert_refused(
        services.event_record,
        "^BIKE-1 is on order since 3 May 2025 10:00; end that rental first\\.$",
        article=article,
        kind=EventKind.SUBSCRIPTION,
        occurred_at=at(4),
    )


def test_status_change_row_goes_through_the_lifecycle(assert_refused):
    article = ArticleFactory.create(number="BIKE-1", status=Status.SOLD, disposed_at=at(1))

    assert_refused(
        services.event_record,
        "^BIKE-1 is sold; it cannot become active\\.$",
        article=article,
        kind=EventKind.STATUS_CHANGE,
        occurred_at=at(3),
        status=Status.ACTIVE,
    )


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("note", {"revenue": "5"}, "A note carries no money; record an adjustment instead"),
        ("note", {"cost": "5"}, "A note carries no money"),
        ("status_change", {"status": "out_of_use", "revenue": "5"}, "A status change carries no"),
        ("rental", {"store": "store"}, "A rental takes no store"),
        ("note", {"store": "store"}, "A note takes no store"),
        ("sale", {"store": "store", "revenue": "5"}, "A sale takes no store"),
        ("note", {"status": "active"}, "A note takes no status"),
        ("rental", {"status": "active"}, "A rental takes no status"),
        ("income", {"status": "lost", "revenue": "5"}, "An? income takes no status"),
        ("repair", {"status": "active"}, "Service work takes status out_of_use"),
        ("note", {"ended_at": at(4)}, "A note takes no ended at"),
        ("sale", {"ended_at": at(4)}, "A sale takes no ended at"),
        ("maintenance", {"revenue": "5"}, "A maintenance takes no revenue"),
        ("inspection", {"condition": "good", "revenue": "5"}, "An? inspection takes no revenue"),
        ("inspection", {}, "An inspection needs the grade it found"),
        ("transfer", {"revenue": "5", "store": "store"}, "A transfer takes no revenue"),
        ("transfer", {}, "A transfer needs the destination store"),
        ("retirement", {"revenue": "5"}, "A retirement takes no revenue"),
        ("status_change", {"condition": "good", "status": "lost"}, "A status change takes no"),
        ("sale", {"condition": "good"}, "A sale takes no condition"),
        ("status_change", {}, "A status change needs the target status"),
        ("status_change", {"status": "broken"}, "'broken' is not a status"),
        ("income", {}, "An income needs an amount"),
        ("expense", {}, "An expense needs an amount"),
        ("acquisition", {}, "An acquisition is recorded when the article is added"),
        ("borrowing", {}, "'borrowing' is not an event kind"),
        ("rental", {"revenue": "-1"}, "A rental cannot carry a negative revenue"),
        ("income", {"revenue": "ten"}, "'ten' is not an amount of money"),
    ],
)
def test_event_record_refuses_a_row_that_does_not_fit_its_kind(
    kind, fields, message, article, assert_refused
):
    if fields.get("store") == "store":
        fields = {**fields, "store": StoreFactory.create()}

    assert_refused(
        services.event_record,
        message,
        article=article,
        kind=kind,
        occurred_at=at(3),
        **fields,
    )


def test_the_acting_user_is_recorded_on_the_acquisition_and_on_edits(user):
    sku_article = services.article_create(
        sku=ArticleFactory.create().sku,
        store=StoreFactory.create(),
        purchased_on=dt.date(2025, 1, 1),
        acting_user=user,
    )
    services.article_update(article=sku_article, data={"notes": "Blue"}, acting_user=user)

    assert list(Event.objects.filter(article=sku_article).values_list("kind", "recorded_by")) == [
        (EventKind.ACQUISITION, user.pk),
        (EventKind.NOTE, user.pk),
    ]


def test_an_anonymous_or_unsaved_user_is_recorded_as_nobody(article):
    event = record(article, EventKind.NOTE, notes="x", acting_user=AnonymousUser())

    assert event.recorded_by is None


def test_refusal_messages_use_an_before_a_vowel(article, user, assert_refused):
    assert_refused(
        services.event_record,
        "An inspection takes no revenue.",
        article=article,
        kind=EventKind.INSPECTION,
        occurred_at=at(3),
        revenue="5",
        condition=Condition.GOOD,
        acting_user=user,
    )
