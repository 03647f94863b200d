"""Closing is the one change an event gets; corrections, names and money limits are
events and refusals of their own (SPEC.md "Events")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.forms import ArticleBatchForm
from articles.models import Condition, Event, EventKind, Status
from tests.factories import ArticleFactory, SKUFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 5, day, hour))


@pytest.fixture
def article():
    return ArticleFactory.create(number="BIKE-1", condition=Condition.GOOD)


def _ledger(article, *fields):
    return list(article.events.order_by("occurred_at", "pk").values_list("kind", *fields))


# --- the grade an open usage went out in -------------------------------------------------


def test_an_open_usage_keeps_its_grade_and_changes_the_condition_only_at_its_end(article):
    usage = services.usage_start(article=article, started_at=at(3), condition=Condition.LIKE_NEW)

    article.refresh_from_db()
    assert Event.objects.get(pk=usage.pk).condition == Condition.LIKE_NEW
    assert article.condition == Condition.GOOD

    services.usage_end(article=article, ended_at=at(4))

    article.refresh_from_db()
    assert article.condition == Condition.LIKE_NEW


def test_the_grade_given_at_the_return_replaces_the_grade_it_went_out_in(article):
    usage = services.usage_start(article=article, started_at=at(3), condition=Condition.LIKE_NEW)

    services.usage_end(article=article, ended_at=at(4), condition=Condition.FAIR)

    article.refresh_from_db()
    assert (Event.objects.get(pk=usage.pk).condition, article.condition) == ("fair", "fair")


# --- closing ------------------------------------------------------------------------------


def test_closing_a_usage_records_who_closed_it_and_when(article, user):
    opener, closer = UserFactory.create(username="opener"), UserFactory.create(username="closer")
    usage = services.usage_start(article=article, started_at=at(3), acting_user=opener)

    services.usage_end(article=article, ended_at=at(5), acting_user=closer)

    usage.refresh_from_db()
    assert (usage.recorded_by, usage.recorded_by_name) == (opener, "opener")
    assert (usage.closed_by, usage.closed_by_name) == (closer, "closer")
    assert usage.closed_at is not None and usage.ended_at == at(5)


def test_money_at_the_return_is_kept_as_events_with_the_usage_reference(article):
    usage = services.usage_start(
        article=article, started_at=at(3), revenue="100", cost="10", reference="ORD-7"
    )

    services.usage_end(article=article, ended_at=at(5), revenue="80", cost="25", notes="Late.")

    usage.refresh_from_db()
    article.refresh_from_db()
    assert (usage.revenue, usage.cost, usage.notes) == (Decimal("100"), Decimal("10"), "")
    assert _ledger(article, "occurred_at", "revenue", "cost", "reference") == [
        (EventKind.RENTAL, at(3), Decimal("100.00"), Decimal("10.00"), "ORD-7"),
        (EventKind.ADJUSTMENT, at(5), Decimal("-20.00"), Decimal("0.00"), "ORD-7"),
        (EventKind.EXPENSE, at(5), Decimal("0.00"), Decimal("15.00"), "ORD-7"),
        (EventKind.NOTE, at(5), Decimal("0.00"), Decimal("0.00"), "ORD-7"),
    ]
    assert (article.total_revenue, article.total_expenses) == (Decimal("80"), Decimal("25"))


def test_the_same_money_at_the_return_records_nothing_more(article):
    services.usage_start(article=article, started_at=at(3), revenue="100")

    services.usage_end(article=article, ended_at=at(5), revenue="100.00", cost="")

    assert _ledger(article) == [(EventKind.RENTAL,)]


def test_a_downtime_ends_once_and_its_cost_is_an_expense_of_its_own(article, user):
    repair = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True, cost="30"
    )

    services.service_end(event=repair, ended_at=at(4), cost="45", acting_user=user)

    repair.refresh_from_db()
    assert (repair.cost, repair.closed_by, repair.ended_at) == (Decimal("30"), user, at(4))
    assert _ledger(article, "cost")[-1] == (EventKind.EXPENSE, Decimal("15.00"))
    with pytest.raises(Exception, match="has no open downtime"):
        services.service_end(event=repair, ended_at=at(5))


def test_a_buy_out_closes_the_usage_in_the_name_of_the_seller(article):
    seller = UserFactory.create(username="seller")
    usage = services.usage_start(article=article, started_at=at(3), revenue="40")

    services.article_sell(article=article, price="300", occurred_at=at(6), acting_user=seller)

    usage.refresh_from_db()
    assert (usage.ended_at, usage.revenue, usage.closed_by_name) == (at(6), Decimal("40"), "seller")


# --- corrections --------------------------------------------------------------------------


def test_an_adjustment_takes_money_back_from_every_total(article):
    services.money_record(article=article, kind=EventKind.INCOME, revenue="50", occurred_at=at(3))
    services.money_record(article=article, kind=EventKind.EXPENSE, cost="30", occurred_at=at(3))

    services.money_record(
        article=article, kind=EventKind.ADJUSTMENT, revenue="-20", cost="-5", occurred_at=at(4)
    )

    article.refresh_from_db()
    assert (article.total_revenue, article.total_expenses) == (Decimal("30"), Decimal("25"))


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (EventKind.INCOME, {"revenue": "-1"}),
        (EventKind.EXPENSE, {"cost": "-1"}),
        (EventKind.RENTAL, {"revenue": "-1"}),
        (EventKind.REPAIR, {"cost": "-1"}),
        (EventKind.SALE, {"revenue": "-1"}),
        (EventKind.LOSS, {"revenue": "-1"}),
    ],
)
def test_every_other_kind_refuses_a_negative_amount(kind, fields, article, assert_refused):
    assert_refused(
        services.event_record,
        "cannot carry a negative .*; correct an amount with an adjustment",
        article=article,
        kind=kind,
        occurred_at=at(3),
        **fields,
    )


def test_the_record_form_records_a_negative_adjustment(admin_client, article):
    response = admin_client.post(
        reverse("admin:articles_article_record_event", args=[article.pk]),
        {
            "kind": EventKind.ADJUSTMENT,
            "occurred_at_0": "2025-05-03",
            "occurred_at_1": "10:00",
            "revenue": "-12.50",
            "cost": "",
            "condition": "",
            "notes": "Mistyped rate.",
        },
    )

    assert response.status_code == 302
    assert article.events.get(kind=EventKind.ADJUSTMENT).revenue == Decimal("-12.50")


def test_the_record_form_refuses_a_negative_income_on_its_field(admin_client, article):
    response = admin_client.post(
        reverse("admin:articles_article_record_event", args=[article.pk]),
        {
            "kind": EventKind.INCOME,
            "occurred_at_0": "2025-05-03",
            "occurred_at_1": "10:00",
            "revenue": "-12.50",
            "condition": "",
        },
    )

    assert response.status_code == 200
    assert (
        "An income cannot carry a negative revenue" in response.context["form"].errors["revenue"][0]
    )


# --- who ---------------------------------------------------------------------------------


def test_who_recorded_and_closed_an_event_survives_the_deletion_of_that_user(admin_client, article):
    clerk = UserFactory.create(username="clerk")
    usage = services.usage_start(article=article, started_at=at(3), acting_user=clerk)
    services.usage_end(article=article, ended_at=at(4), acting_user=clerk)

    get_user_model().objects.filter(pk=clerk.pk).delete()

    usage.refresh_from_db()
    assert (usage.recorded_by, usage.recorded_by_name) == (None, "clerk")
    assert (usage.closed_by, usage.closed_by_name) == (None, "clerk")
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.text.count("clerk") >= 2
    listing = admin_client.get(reverse("admin:articles_event_changelist"))
    assert "clerk" in listing.text


# --- limits -------------------------------------------------------------------------------


def test_an_amount_too_large_for_the_ledger_is_refused(article, assert_refused):
    assert_refused(
        services.money_record,
        "is too large; an amount is at most 9,999,999,999.99",
        article=article,
        kind=EventKind.INCOME,
        revenue="10000000000",
        occurred_at=at(3),
    )


def test_an_amount_that_would_overflow_the_stored_totals_is_refused(article, assert_refused):
    services.money_record(
        article=article, kind=EventKind.INCOME, revenue="9999999999.99", occurred_at=at(3)
    )

    assert_refused(
        services.money_record,
        "This would take the revenue of BIKE-1 to 10,000,000,000.99, beyond",
        article=article,
        kind=EventKind.INCOME,
        revenue="1",
        occurred_at=at(4),
    )


def test_money_given_at_the_return_that_would_overflow_is_refused(article, assert_refused):
    services.money_record(
        article=article, kind=EventKind.EXPENSE, cost="9999999999.99", occurred_at=at(2)
    )
    services.usage_start(article=article, started_at=at(3))

    assert_refused(services.usage_end, "beyond", article=article, ended_at=at(4), cost="5")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_an_amount_that_is_not_a_number_is_refused(value, article, assert_refused):
    assert_refused(
        services.money_record,
        "is not an amount of money",
        article=article,
        kind=EventKind.ADJUSTMENT,
        revenue=value,
        occurred_at=at(3),
    )


# --- purchase dates -----------------------------------------------------------------------


@pytest.mark.parametrize("day", [dt.date(1899, 12, 31), "tomorrow"])
def test_article_create_refuses_a_purchase_date_outside_1900_to_today(day, assert_refused):
    if day == "tomorrow":
        day = timezone.localdate() + dt.timedelta(days=1)

    assert_refused(
        services.article_create,
        "The purchase date .* must lie between 1900-01-01 and today",
        sku=SKUFactory.create(),
        store=StoreFactory.create(),
        purchased_on=day,
    )


def test_an_article_bought_before_1970_enters_the_fleet(assert_refused):
    article = services.article_create(
        sku=SKUFactory.create(), store=StoreFactory.create(), purchased_on=dt.date(1965, 6, 1)
    )

    assert article.events.get().kind == EventKind.ACQUISITION


def test_article_update_refuses_a_purchase_date_in_the_future(article, assert_refused):
    assert_refused(
        services.article_update,
        "must lie between 1900-01-01 and today",
        article=article,
        data={"purchased_on": timezone.localdate() + dt.timedelta(days=1)},
    )


def test_the_batch_form_refuses_a_purchase_date_in_the_future():
    form = ArticleBatchForm(
        {
            "count": "1",
            "store": StoreFactory.create().pk,
            "purchased_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "purchase_price": "0",
            "allocation": "rental",
            "condition": "new",
        }
    )

    assert not form.is_valid()
    assert "must lie between 1900-01-01 and today" in form.errors["purchased_on"][0]


def test_the_article_form_refuses_a_purchase_date_before_1900(admin_client):
    sku, store = SKUFactory.create(), StoreFactory.create()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "number": "OLD-1",
            "sku": sku.pk,
            "allocation": "rental",
            "status": Status.ACTIVE,
            "condition": "good",
            "store": store.pk,
            "purchased_on": "1850-01-01",
            "purchase_price": "0",
            "specifications": "{}",
        },
    )

    assert response.status_code == 200
    assert (
        "must lie between 1900-01-01"
        in response.context["adminform"].form.errors["purchased_on"][0]
    )
