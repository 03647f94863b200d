"""The database's own guard rails, written straight through the ORM (bypassing the
services), so that a bug in a service, an import or a raw script cannot store them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from articles.models import Event, EventKind, Status
from tests.factories import ArticleFactory, EventFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


def postgres_only(test):
    """The exclusion constraint exists on PostgreSQL only (migration 0002)."""
    skip = pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
    )
    return pytest.mark.postgres_only(skip(test))


def refused(**fields):
    """Does the database refuse an event with ``fields``?"""
    try:
        with transaction.atomic():
            EventFactory.create(**fields)
    except IntegrityError:
        return True
    return False


def test_article_numbers_are_unique_case_insensitively():
    ArticleFactory.create(number="Bike-7")

    with pytest.raises(IntegrityError, match="article_number_unique_ci"):
        ArticleFactory.create(number="bIKE-7")


def test_purchase_price_cannot_be_negative():
    ArticleFactory.create(purchase_price=Decimal("0"))

    with pytest.raises(IntegrityError, match="article_purchase_price_non_negative"):
        ArticleFactory.create(purchase_price=Decimal("-0.01"))


@pytest.mark.parametrize("year", [None, 1900, 2100])
def test_a_sane_production_year_is_stored(year):
    assert ArticleFactory.create(production_year=year).production_year == year


@pytest.mark.parametrize("year", [1899, 2101])
def test_an_insane_production_year_is_refused(year):
    with pytest.raises(IntegrityError, match="article_production_year_sane"):
        ArticleFactory.create(production_year=year)


def test_disposed_at_needs_a_disposed_status():
    ArticleFactory.create(status=Status.SOLD, disposed_at=at(1))

    with pytest.raises(IntegrityError, match="article_disposed_at_only_when_disposed"):
        ArticleFactory.create(status=Status.ACTIVE, disposed_at=at(1))


@pytest.mark.parametrize("field", ["status", "allocation", "condition"])
def test_article_choices_are_enforced(field):
    with pytest.raises(IntegrityError, match=f"article_{field}_valid"):
        ArticleFactory.create(**{field: "bogus"})


@pytest.mark.parametrize("field", ["revenue", "cost"])
def test_event_money_cannot_be_negative(field):
    assert not refused(kind=EventKind.INCOME, **{field: Decimal("0")})
    with pytest.raises(IntegrityError, match=f"event_{field}_non_negative"):
        EventFactory.create(kind=EventKind.INCOME, **{field: Decimal("-0.01")})


def test_an_event_cannot_end_before_it_starts():
    article = ArticleFactory.create()
    assert not refused(article=article, kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(3))

    with pytest.raises(IntegrityError, match="event_ended_at_after_occurred_at"):
        EventFactory.create(kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(2, 23))


def test_only_usages_and_downtimes_have_an_end():
    assert not refused(kind=EventKind.REPAIR, downtime=True, occurred_at=at(3), ended_at=at(4))
    assert refused(kind=EventKind.REPAIR, downtime=False, occurred_at=at(3), ended_at=at(4))

    with pytest.raises(IntegrityError, match="event_ended_at_only_for_usage_or_downtime"):
        EventFactory.create(kind=EventKind.NOTE, occurred_at=at(3), ended_at=at(4))


def test_only_service_work_has_downtime():
    with pytest.raises(IntegrityError, match="event_downtime_only_for_service_work"):
        EventFactory.create(kind=EventKind.RENTAL, downtime=True)


def test_event_kinds_are_enforced():
    with pytest.raises(IntegrityError, match="event_kind_valid"):
        EventFactory.create(kind="borrowing")


# --- no two usages of one article overlap (PostgreSQL exclusion constraint) ---------------


@postgres_only
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(4), at(6)),  # inside
        (at(2), at(4)),  # across the start
        (at(4), at(9)),  # across the end
        (at(1), at(9)),  # around
        (at(4), None),  # open, starting inside
        (at(1), None),  # open, starting before
    ],
)
def test_the_database_refuses_overlapping_usages(start, end):
    article = ArticleFactory.create()
    EventFactory.create(article=article, kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(7))

    with pytest.raises(IntegrityError, match="event_usages_do_not_overlap"):
        EventFactory.create(article=article, kind=EventKind.RENTAL, occurred_at=start, ended_at=end)


@postgres_only
def test_the_database_refuses_a_usage_after_an_open_one():
    article = ArticleFactory.create()
    EventFactory.create(article=article, kind=EventKind.SUBSCRIPTION, occurred_at=at(3))

    with pytest.raises(IntegrityError, match="event_usages_do_not_overlap"):
        EventFactory.create(
            article=article, kind=EventKind.RENTAL, occurred_at=at(20), ended_at=at(21)
        )


@postgres_only
def test_the_database_refuses_a_subscription_overlapping_a_rental():
    article = ArticleFactory.create()
    EventFactory.create(article=article, kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(7))

    with pytest.raises(IntegrityError, match="event_usages_do_not_overlap"):
        EventFactory.create(article=article, kind=EventKind.SUBSCRIPTION, occurred_at=at(6))


@postgres_only
def test_the_database_accepts_a_usage_ending_exactly_as_the_next_begins():
    article = ArticleFactory.create()
    EventFactory.create(article=article, kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(7))

    assert not refused(article=article, kind=EventKind.RENTAL, occurred_at=at(7), ended_at=at(9))
    assert not refused(article=article, kind=EventKind.RENTAL, occurred_at=at(1), ended_at=at(3))
    assert not refused(article=article, kind=EventKind.SUBSCRIPTION, occurred_at=at(9))
    assert Event.objects.usages().filter(article=article).count() == 4


@postgres_only
def test_the_database_lets_usages_of_different_articles_overlap():
    EventFactory.create(kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(7))

    assert not refused(kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(7))


@postgres_only
def test_the_exclusion_constraint_ignores_other_kinds():
    article = ArticleFactory.create()
    EventFactory.create(article=article, kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(7))

    assert not refused(
        article=article, kind=EventKind.REPAIR, downtime=True, occurred_at=at(4), ended_at=at(5)
    )
    assert not refused(article=article, kind=EventKind.NOTE, occurred_at=at(4))
