"""Maintenance, repair and cleaning, with and without downtime (SPEC.md "Events")."""

from decimal import Decimal
from unittest.mock import ANY

import pytest

from articles import services
from articles.models import Condition, Event, EventKind, Status
from tests.factories import ArticleFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    """The shared ``article``, in fair condition, so that servicing can change it."""
    return ArticleFactory.create(number="BIKE-1", condition=Condition.FAIR)


def status_of(article) -> str:
    article.refresh_from_db()
    return article.status


def test_service_without_downtime_leaves_the_article_in_use(article, user):
    event = services.service_record(
        article=article,
        kind=EventKind.MAINTENANCE,
        occurred_at=at(3),
        cost="19.90",
        condition=Condition.GOOD,
        reference="WO-1",
        acting_user=user,
    )

    article.refresh_from_db()
    assert (event.downtime, event.ended_at, event.status) == (False, None, "")
    assert event.recorded_by == user
    assert article.status == Status.ACTIVE
    assert article.condition == Condition.GOOD
    assert article.total_expenses == Decimal("19.90")


def test_open_downtime_takes_an_active_article_out_of_use(article):
    event = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )

    assert (event.downtime, event.ended_at, event.status) == (True, None, Status.OUT_OF_USE)
    assert status_of(article) == Status.OUT_OF_USE


def test_ending_the_downtime_returns_the_article_to_active(article):
    event = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )

    ended = services.service_end(
        event=event, ended_at=at(4), cost="55", condition=Condition.LIKE_NEW, notes="New chain."
    )

    article.refresh_from_db()
    # The repair gets its end and grade; the cost and notes given at its end are
    # events of their own.
    assert (ended.ended_at, ended.cost, ended.condition) == (at(4), Decimal("0"), "like_new")
    assert ended.notes == ""
    assert list(article.events.filter(occurred_at=at(4)).values_list("kind", "cost", "notes")) == [
        (EventKind.EXPENSE, Decimal("55.00"), ANY),
        (EventKind.NOTE, Decimal("0.00"), "New chain."),
    ]
    assert article.status == Status.ACTIVE
    assert article.condition == Condition.LIKE_NEW
    assert article.total_expenses == Decimal("55.00")


def test_a_grade_given_when_the_downtime_opened_becomes_the_condition_at_its_end(article):
    event = services.service_record(
        article=article,
        kind=EventKind.CLEANING,
        occurred_at=at(3),
        downtime=True,
        condition=Condition.GOOD,
    )
    assert Event.objects.get(pk=event.pk).condition == Condition.GOOD
    article.refresh_from_db()
    assert article.condition == Condition.FAIR  # not back yet

    services.service_end(event=event, ended_at=at(4))

    article.refresh_from_db()
    assert article.condition == Condition.GOOD


def test_article_stays_out_of_use_until_every_downtime_that_holds_it_has_ended(article):
    first = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )
    second = services.service_record(
        article=article, kind=EventKind.CLEANING, occurred_at=at(4), downtime=True
    )
    assert second.status == Status.OUT_OF_USE

    services.service_end(event=first, ended_at=at(5))
    assert status_of(article) == Status.OUT_OF_USE

    services.service_end(event=second, ended_at=at(6))
    assert status_of(article) == Status.ACTIVE


def test_the_later_downtime_may_end_first(article):
    first = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )
    second = services.service_record(
        article=article, kind=EventKind.CLEANING, occurred_at=at(4), downtime=True
    )

    services.service_end(event=second, ended_at=at(5))
    assert status_of(article) == Status.OUT_OF_USE

    services.service_end(event=first, ended_at=at(6))
    assert status_of(article) == Status.ACTIVE


def test_an_article_already_out_of_use_stays_out_after_a_downtime_that_did_not_take_it_out():
    article = ArticleFactory.create(status=Status.OUT_OF_USE)
    event = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )
    assert event.status == ""

    services.service_end(event=event, ended_at=at(4))

    assert status_of(article) == Status.OUT_OF_USE


def test_a_manual_return_to_active_during_downtime_is_kept_when_the_downtime_ends(article):
    event = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )
    services.article_status_change(article=article, status=Status.ACTIVE, occurred_at=at(4))

    services.service_end(event=event, ended_at=at(5))

    assert status_of(article) == Status.ACTIVE


@pytest.mark.parametrize("status", [Status.SOLD, Status.RETIRED, Status.LOST])
def test_downtime_does_not_change_a_disposed_article(status):
    article = ArticleFactory.create(status=status, disposed_at=at(1))

    event = services.service_record(
        article=article, kind=EventKind.CLEANING, occurred_at=at(3), downtime=True, cost="9"
    )
    assert event.status == ""
    assert status_of(article) == status

    services.service_end(event=event, ended_at=at(4))

    article.refresh_from_db()
    assert (article.status, article.disposed_at) == (status, at(1))
    assert article.total_expenses == Decimal("9")


def test_a_downtime_open_at_a_sale_leaves_the_article_sold_when_it_ends(article):
    event = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )
    services.article_sell(article=article, price="200", occurred_at=at(4))

    services.service_end(event=event, ended_at=at(5))

    assert status_of(article) == Status.SOLD


def test_a_completed_downtime_leaves_the_status_and_sets_the_condition(article):
    event = services.service_record(
        article=article,
        kind=EventKind.REPAIR,
        occurred_at=at(3),
        ended_at=at(4),
        condition=Condition.GOOD,
    )

    article.refresh_from_db()
    assert (event.downtime, event.ended_at, event.status) == (True, at(4), "")
    assert (article.status, article.condition) == (Status.ACTIVE, Condition.GOOD)


def test_service_record_refuses_a_kind_that_is_not_service_work(article, assert_refused):
    assert_refused(
        services.service_record,
        "^rental is not service work\\.$",
        article=article,
        kind=EventKind.RENTAL,
    )


def test_service_record_refuses_an_end_before_the_start(article, assert_refused):
    assert_refused(
        services.service_record,
        r"The end \(2 May 2025 10:00\) is before the start \(3 May 2025 10:00\)",
        article=article,
        kind=EventKind.REPAIR,
        occurred_at=at(3),
        ended_at=at(2),
    )


def test_service_end_refuses_service_work_without_open_downtime(article, assert_refused):
    event = services.service_record(article=article, kind=EventKind.MAINTENANCE, occurred_at=at(3))

    assert_refused(services.service_end, "^This maintenance has no open downtime\\.$", event=event)


def test_service_end_refuses_a_downtime_that_has_already_ended(article, assert_refused):
    event = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )
    services.service_end(event=event, ended_at=at(4))

    assert_refused(
        services.service_end, "^This repair has no open downtime\\.$", event=event, ended_at=at(5)
    )


def test_service_end_refuses_an_end_before_the_start(article, assert_refused):
    event = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=at(3), downtime=True
    )

    assert_refused(
        services.service_end,
        r"The end \(2 May 2025 10:00\) is before the start \(3 May 2025 10:00\)",
        event=event,
        ended_at=at(2),
    )
