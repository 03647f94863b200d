"""The registry of event kinds: one entry per kind, and its effects as pure functions."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from articles import kinds, rules
from articles.kinds import KINDS, ArticleState, EventFacts, Money
from articles.models import Condition, Event, EventKind, Status
from articles.services.events import RECORDERS
from articles.totals import article_totals_refresh, articles_totals_refresh
from tests.factories import ArticleFactory, EventFactory

T = dt.datetime(2025, 5, 3, 10, tzinfo=dt.UTC)
LATER = T + dt.timedelta(days=2)
ACTIVE = ArticleState(status=Status.ACTIVE, condition=Condition.GOOD, store_id=1, disposed_at=None)


def test_every_event_kind_has_one_entry():
    assert set(KINDS) == set(EventKind.values)
    assert all(spec.kind == kind for kind, spec in KINDS.items())


def test_every_kind_that_can_be_a_row_has_a_service_that_records_it():
    assert set(RECORDERS) == {kind for kind, spec in KINDS.items() if not spec.refusal}


def test_the_kind_sets_are_derived_from_the_entries():
    assert set(kinds.USAGE_KINDS) == {EventKind.RENTAL, EventKind.SUBSCRIPTION}
    assert set(kinds.SERVICE_KINDS) == {EventKind.MAINTENANCE, EventKind.REPAIR, EventKind.CLEANING}
    assert dict(kinds.DISPOSAL_KINDS) == {
        EventKind.SALE: Status.SOLD,
        EventKind.RETIREMENT: Status.RETIRED,
        EventKind.LOSS: Status.LOST,
    }
    assert set(kinds.PROCEEDS_KINDS) == {EventKind.SALE}
    assert set(kinds.MONEYLESS_KINDS) == {
        EventKind.ACQUISITION,
        EventKind.STATUS_CHANGE,
        EventKind.NOTE,
    }


def test_only_the_adjustment_allows_a_negative_amount():
    assert [spec.kind for spec in KINDS.values() if spec.negative] == [EventKind.ADJUSTMENT]


@pytest.mark.parametrize(
    ("kind", "money", "takes", "requires"),
    [
        (EventKind.RENTAL, Money.BOTH, {"ended_at", "condition"}, set()),
        (EventKind.REPAIR, Money.COST, {"ended_at", "condition", "status"}, set()),
        (EventKind.INSPECTION, Money.COST, {"condition"}, {"condition"}),
        (EventKind.TRANSFER, Money.COST, {"store"}, {"store"}),
        (EventKind.STATUS_CHANGE, Money.NONE, {"status"}, {"status"}),
        (EventKind.SALE, Money.BOTH, set(), set()),
        (EventKind.RETIREMENT, Money.COST, set(), set()),
        (EventKind.NOTE, Money.NONE, set(), set()),
    ],
)
def test_a_kind_declares_its_fields_and_money(kind, money, takes, requires):
    spec = KINDS[kind]
    assert (spec.money, spec.takes, set(spec.requires)) == (money, takes, requires)


def test_a_row_is_checked_against_its_entry():
    with pytest.raises(ValidationError) as refusal:
        rules.check_event_row(
            kind=EventKind.RETIREMENT,
            ended_at=None,
            revenue=Decimal("5"),
            cost=Decimal("0"),
            condition="",
            store=None,
            status="",
        )
    assert refusal.value.message_dict == {"revenue": ["A retirement takes no revenue."]}


def test_an_inspection_grades_the_article():
    after = KINDS[EventKind.INSPECTION].effect(
        ACTIVE, EventFacts(occurred_at=T, condition=Condition.FAIR)
    )
    assert after == ArticleState(Status.ACTIVE, Condition.FAIR, 1, None)


def test_a_transfer_moves_the_article():
    after = KINDS[EventKind.TRANSFER].effect(ACTIVE, EventFacts(occurred_at=T, store_id=2))
    assert after.store_id == 2


def test_an_open_usage_changes_nothing_and_its_return_grades():
    spec = KINDS[EventKind.RENTAL]
    assert spec.effect(ACTIVE, EventFacts(occurred_at=T)) == ACTIVE
    assert spec.end_effect is not None
    returned = spec.end_effect(
        ACTIVE, EventFacts(occurred_at=T, ended_at=LATER, condition="poor"), still_down=False
    )
    assert returned.condition == Condition.POOR


def test_a_completed_usage_grades_at_once():
    after = KINDS[EventKind.SUBSCRIPTION].effect(
        ACTIVE, EventFacts(occurred_at=T, ended_at=LATER, condition=Condition.FAIR)
    )
    assert after.condition == Condition.FAIR


def test_an_open_downtime_takes_the_article_out_until_its_end():
    spec = KINDS[EventKind.REPAIR]
    down = EventFacts(
        occurred_at=T, downtime=True, condition=Condition.FAIR, status=Status.OUT_OF_USE
    )
    out = spec.effect(ACTIVE, down)
    # Out of use; the grade waits for the end.
    assert (out.status, out.condition) == (Status.OUT_OF_USE, Condition.GOOD)
    assert spec.end_effect is not None
    ended = dataclasses.replace(down, ended_at=LATER)
    assert spec.end_effect(out, ended, still_down=True).status == Status.OUT_OF_USE
    back = spec.end_effect(out, ended, still_down=False)
    assert (back.status, back.condition) == (Status.ACTIVE, Condition.FAIR)


def test_service_work_without_downtime_grades_at_once():
    after = KINDS[EventKind.CLEANING].effect(
        ACTIVE, EventFacts(occurred_at=T, condition=Condition.LIKE_NEW)
    )
    assert after == ArticleState(Status.ACTIVE, Condition.LIKE_NEW, 1, None)


def test_a_sale_disposes_of_the_article():
    after = KINDS[EventKind.SALE].effect(ACTIVE, EventFacts(occurred_at=T))
    assert (after.status, after.disposed_at) == (Status.SOLD, T)


def test_a_lost_article_written_off_has_been_gone_since_the_loss():
    lost = ArticleState(Status.LOST, Condition.GOOD, 1, disposed_at=T)
    after = KINDS[EventKind.RETIREMENT].effect(lost, EventFacts(occurred_at=LATER))
    assert (after.status, after.disposed_at) == (Status.RETIRED, T)


def test_a_lost_article_found_is_no_longer_disposed():
    lost = ArticleState(Status.LOST, Condition.GOOD, 1, disposed_at=T)
    after = KINDS[EventKind.STATUS_CHANGE].effect(
        lost, EventFacts(occurred_at=LATER, status=Status.ACTIVE)
    )
    assert (after.status, after.disposed_at) == (Status.ACTIVE, None)


@pytest.mark.parametrize("kind", [EventKind.INCOME, EventKind.ADJUSTMENT, EventKind.NOTE])
def test_money_and_remarks_leave_the_article_as_it_is(kind):
    assert KINDS[kind].effect(ACTIVE, EventFacts(occurred_at=T, condition="poor")) == ACTIVE


@pytest.mark.django_db
def test_the_totals_of_many_articles_equal_those_of_one():
    """The set-based refresh (PostgreSQL's aggregate UPDATE) sums like the subqueries."""
    articles = ArticleFactory.create_batch(3)
    for article in articles[:2]:
        EventFactory.create(
            article=article, kind=EventKind.RENTAL, occurred_at=T, revenue=Decimal("30")
        )
        EventFactory.create(
            article=article, kind=EventKind.REPAIR, occurred_at=T, cost=Decimal("12.5")
        )
    EventFactory.create(
        article=articles[0], kind=EventKind.SALE, occurred_at=LATER, revenue=Decimal("90")
    )
    fields = ["total_usage_count", "total_revenue", "total_expenses", "total_sale_proceeds"]
    ids = [article.pk for article in articles]

    articles_totals_refresh(article_ids=ids)
    many = list(type(articles[0]).objects.filter(pk__in=ids).order_by("pk").values(*fields))
    article_totals_refresh(articles=type(articles[0]).objects.filter(pk__in=ids))
    one = list(type(articles[0]).objects.filter(pk__in=ids).order_by("pk").values(*fields))

    assert many == one
    assert many[0] == {
        "total_usage_count": 1,
        "total_revenue": Decimal("30.00"),
        "total_expenses": Decimal("12.50"),
        "total_sale_proceeds": Decimal("90.00"),
    }
    assert Event.objects.count() == 5
