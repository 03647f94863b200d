"""Who can go on a rental or subscription, and when (SPEC.md "Status lifecycle")."""

from decimal import Decimal
from unittest.mock import ANY

import pytest

from articles import services
from articles.models import Allocation, Article, Condition, Event, EventKind, Status
from tests.factories import ArticleFactory, EventFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [EventKind.RENTAL, EventKind.SUBSCRIPTION])
def test_usage_start_puts_an_active_rental_article_on_order(kind, article, user):
    event = services.usage_start(
        article=article,
        kind=kind,
        started_at=at(3),
        revenue="25.50",
        reference="ORD-1",
        acting_user=user,
    )

    assert (event.kind, event.occurred_at, event.ended_at) == (kind, at(3), None)
    assert event.revenue == Decimal("25.50")
    assert event.recorded_by == user
    assert list(Article.objects.on_order(at=at(4))) == [article]
    assert list(Article.objects.available(at=at(4))) == []
    article.refresh_from_db()
    assert article.status == Status.ACTIVE
    assert (article.total_usage_count, article.total_revenue) == (1, Decimal("25.50"))


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Status.OUT_OF_USE, "out of use"),
        (Status.LOST, "lost"),
        (Status.SOLD, "sold"),
        (Status.RETIRED, "retired"),
    ],
)
def test_usage_start_refuses_an_article_that_is_not_active(status, label, assert_refused):
    disposed_at = at(1) if status != Status.OUT_OF_USE else None
    article = ArticleFactory.create(number="BIKE-1", status=status, disposed_at=disposed_at)

    assert_refused(
        services.usage_start,
        f"^BIKE-1 is {label}; only active articles can go on rental\\.$",
        article=article,
        started_at=at(3),
    )


def test_usage_start_refuses_a_sales_allocated_article(assert_refused):
    article = ArticleFactory.create(number="BIKE-1", allocation=Allocation.SALES)

    assert_refused(
        services.usage_start,
        "^BIKE-1 is allocated to sales; only rental articles can go on subscription\\.$",
        article=article,
        kind=EventKind.SUBSCRIPTION,
        started_at=at(3),
    )


def test_usage_start_refuses_an_article_on_order(article, assert_refused):
    services.usage_start(article=article, started_at=at(3, 9), reference="ORD-118")

    assert_refused(
        services.usage_start,
        r"^BIKE-1 is on order since 3 May 2025 09:00 \(ORD-118\); end that rental first\.$",
        article=article,
        started_at=at(4),
    )


def test_usage_start_refuses_an_open_usage_before_a_later_one(article, assert_refused):
    """An open usage reaches into the future, so it would overlap a later one."""
    services.usage_start(article=article, started_at=at(5), ended_at=at(7), reference="ORD-2")

    assert_refused(
        services.usage_start,
        r"^BIKE-1 was on rental \(ORD-2\) from 5 May 2025 10:00 to 7 May 2025 10:00, "
        r"which overlaps this usage\.$",
        article=article,
        started_at=at(3),
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(2), at(6)),  # covers the whole usage
        (at(4), at(5)),  # inside it
        (at(3), at(5, 10)),  # starts before, ends inside
        (at(6), at(9)),  # starts inside, ends after
    ],
)
def test_usage_start_refuses_a_usage_overlapping_a_completed_one(
    start, end, article, assert_refused
):
    services.usage_start(article=article, started_at=at(4, 9), ended_at=at(7), reference="ORD-2")

    assert_refused(
        services.usage_start,
        r"^BIKE-1 was on rental \(ORD-2\) from 4 May 2025 09:00 to 7 May 2025 10:00, "
        r"which overlaps this usage\.$",
        article=article,
        started_at=start,
        ended_at=end,
    )


def test_usage_start_refuses_a_subscription_overlapping_a_rental(article, assert_refused):
    services.usage_start(article=article, started_at=at(4), ended_at=at(7))

    assert_refused(
        services.usage_start,
        "overlaps this usage",
        article=article,
        kind=EventKind.SUBSCRIPTION,
        started_at=at(6),
        ended_at=at(9),
    )


def test_usages_that_touch_end_to_start_do_not_overlap(article):
    services.usage_start(article=article, started_at=at(4), ended_at=at(7))

    services.usage_start(article=article, started_at=at(7), ended_at=at(9))
    services.usage_start(article=article, started_at=at(2), ended_at=at(4))

    assert Event.objects.usages().filter(article=article).count() == 3


def test_a_completed_usage_before_an_open_one_is_accepted(article):
    services.usage_start(article=article, started_at=at(10))

    services.usage_start(article=article, started_at=at(2), ended_at=at(5), revenue="40")

    article.refresh_from_db()
    assert (article.total_usage_count, article.total_revenue) == (2, Decimal("40.00"))


def test_usage_start_refuses_a_kind_that_is_not_a_usage(article, assert_refused):
    assert_refused(
        services.usage_start,
        "^maintenance is not a usage; use rental or subscription\\.$",
        article=article,
        kind=EventKind.MAINTENANCE,
    )


def test_usage_start_refuses_an_end_before_the_start(article, assert_refused):
    error = assert_refused(
        services.usage_start,
        r"^The end \(2 May 2025 10:00\) is before the start \(3 May 2025 10:00\)\.$",
        article=article,
        started_at=at(3),
        ended_at=at(2),
    )
    assert list(error.message_dict) == ["ended_at"]


def test_completed_usage_sets_the_condition_it_was_returned_in(article):
    event = services.usage_start(
        article=article, started_at=at(3), ended_at=at(5), condition=Condition.FAIR
    )

    article.refresh_from_db()
    assert event.condition == Condition.FAIR
    assert article.condition == Condition.FAIR


def test_usage_end_closes_the_open_usage_with_revenue_and_condition(article, user):
    usage = services.usage_start(article=article, started_at=at(3), acting_user=user)

    ended = services.usage_end(
        article=article, ended_at=at(6), revenue="90", condition=Condition.POOR, notes="Scratched."
    )

    usage.refresh_from_db()
    article.refresh_from_db()
    assert ended.pk == usage.pk
    # The usage gets its end and grade; the money and notes given at the return are
    # events of their own.
    assert (usage.ended_at, usage.revenue, usage.condition) == (at(6), Decimal("0"), "poor")
    assert usage.notes == ""
    assert list(
        article.events.filter(occurred_at=at(6)).values_list("kind", "revenue", "notes")
    ) == [
        (EventKind.INCOME, Decimal("90.00"), ANY),
        (EventKind.NOTE, Decimal("0.00"), "Scratched."),
    ]
    assert article.condition == Condition.POOR
    assert article.total_revenue == Decimal("90.00")
    assert list(Article.objects.on_order(at=at(7))) == []
    assert list(Article.objects.available(at=at(7))) == [article]


def test_usage_end_without_revenue_keeps_the_revenue_recorded_at_the_start(article):
    usage = services.usage_start(article=article, started_at=at(3), revenue="30")

    services.usage_end(article=article, ended_at=at(4))

    usage.refresh_from_db()
    assert usage.revenue == Decimal("30.00")


def test_usage_end_refuses_an_article_that_is_not_on_order(article, assert_refused):
    EventFactory.create(article=article, kind=EventKind.RENTAL, occurred_at=at(1), ended_at=at(2))

    assert_refused(
        services.usage_end,
        "^BIKE-1 is not on order; there is no usage to end\\.$",
        article=article,
        ended_at=at(3),
    )


def test_usage_end_refuses_an_end_before_the_start(article, assert_refused):
    services.usage_start(article=article, started_at=at(3))

    assert_refused(
        services.usage_end,
        r"The end \(2 May 2025 10:00\) is before the start \(3 May 2025 10:00\)",
        article=article,
        ended_at=at(2),
    )


def test_an_article_is_bookable_again_after_its_usage_ends(article):
    services.usage_start(article=article, started_at=at(3))
    services.usage_end(article=article, ended_at=at(5))

    services.usage_start(article=article, started_at=at(5))

    assert Event.objects.usages().filter(article=article, ended_at__isnull=True).count() == 1
