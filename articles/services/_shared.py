"""What every service shares: the row lock, validation, saving an event with the
stored totals, and writing what a kind's effect returns onto the article."""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import rules
from articles.kinds import KINDS, ArticleState, EventFacts
from articles.models import Article, Event, EventKind, Store
from articles.totals import article_totals_refresh

# Who acts: a user of the back office, or nobody (a command, a test).
User = AbstractBaseUser | AnonymousUser | None
Money = Decimal | int | str
ZERO = Decimal("0")

format_moment = rules.format_moment


def start_of_day(day: dt.date) -> dt.datetime:
    """The instant at which ``day`` begins in the installation's time zone, in UTC.

    In UTC so that arithmetic on it counts real time: Python subtracts two moments
    of the same zone by their wall clocks, which makes a day of a clock change 24 hours.
    """
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).astimezone(dt.UTC)


def user_name(user: User) -> str:
    """The name kept on the ledger for ``user``, which outlives the account."""
    if user is None or not getattr(user, "pk", None):
        return ""
    return user.get_username()


def money(value: Money | None) -> Decimal:
    """An amount as forms and files give it (text, a number, or nothing)."""
    if value is None or value == "":
        return ZERO
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"{value!r} is not an amount of money.") from None
    if not amount.is_finite():
        raise ValidationError(f"{value!r} is not an amount of money.")
    return amount


def lock(article: Article) -> Article:
    """Take the article's row lock and return a fresh copy of it.

    Everything a service decides is decided on this copy, so two people acting on
    the same article at the same moment are served one after the other.
    """
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("sku", "store")
        .get(pk=article.pk)
    )


def open_usage(article: Article) -> Event | None:
    return article.events.usages().open().first()


def refuse_if_on_order(article: Article, doing: str) -> None:
    rules.refuse_if_on_order(article.number, open_usage(article), doing)


def validate_event(event: Event) -> None:
    """Check the event's fields (choices, money >= 0, lengths).

    Its check constraints are not validated again in Python: the rules have already
    checked the times, the database holds every constraint, and Django would spend
    one query per check constraint on each event.
    """
    event.full_clean(exclude=["article", "recorded_by", "closed_by"], validate_constraints=False)


def save_article(article: Article, **kwargs: Any) -> None:
    """Save a validated article; a number taken meanwhile by another session (the
    database's unique index) is refused like the check before it would have."""
    try:
        with transaction.atomic():
            article.save(**kwargs)
    except IntegrityError as error:
        if "article_number_unique_ci" in str(error):
            raise ValidationError(
                {"number": "An article with this number already exists."}
            ) from error
        raise


def check_moments(
    *,
    occurred_at: dt.datetime,
    ended_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
) -> None:
    """The moments of a ledger row: start and end have happened (after 1970, not in
    the future), the end is not before the start, the due date not before the start."""
    rules.check_happened(occurred_at, field="occurred_at")
    if ended_at is not None:
        rules.check_happened(ended_at, field="ended_at")
    rules.check_times(occurred_at, ended_at)
    rules.check_due(occurred_at, due_at)


def check_amounts(article: Article, kind: str, *, revenue: Decimal, cost: Decimal) -> None:
    """The money of an event of ``kind``: not negative but for a correction, and
    within what one amount and the article's stored totals can hold."""
    rules.refuse_negative_amount(kind=kind, revenue=revenue, cost=cost)
    rules.check_amount_fits(revenue, field="revenue")
    rules.check_amount_fits(cost, field="cost")
    rules.check_totals_fit(
        number=article.number,
        kind=kind,
        total_revenue=article.total_revenue,
        total_expenses=article.total_expenses,
        total_sale_proceeds=article.total_sale_proceeds,
        revenue=revenue,
        cost=cost,
    )


def record(
    article: Article,
    kind: str,
    *,
    acting_user: User,
    occurred_at: dt.datetime | None = None,
    **fields: Any,
) -> Event:
    """Validate and insert an event of ``article`` (locked), write what its kind's
    effect does to the article, and refresh the article's stored totals.

    The caller has checked what the event does to the lifecycle; every row's own
    rules (its moments, its due date, its money) are checked here, so that no service
    can skip them. The acquisition is dated by the purchase, which has its own bounds.
    The database's own refusal (an ``IntegrityError``) propagates, its savepoint
    rolled back, for the caller that knows what it means.
    """
    event = Event(
        article=article,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        recorded_by_id=getattr(acting_user, "pk", None),
        recorded_by_name=user_name(acting_user),
        **fields,
    )
    if kind != EventKind.ACQUISITION:
        check_moments(occurred_at=event.occurred_at, ended_at=event.ended_at, due_at=event.due_at)
    rules.check_due_taken(kind=kind, downtime=event.downtime, due_at=event.due_at)
    check_amounts(article, kind, revenue=event.revenue, cost=event.cost)
    validate_event(event)
    with transaction.atomic():
        event.save()
    after = KINDS[kind].effect(ArticleState.of(article), facts_of(event))
    persist(article, after, store=fields.get("store"))
    refresh_totals(article)
    return event


TOTAL_FIELDS = ("total_usage_count", "total_revenue", "total_expenses", "total_sale_proceeds")


def refresh_totals(article: Article) -> None:
    """Recompute the article's stored totals, in the database and on ``article``, so
    that the next event of the same service checks against them."""
    article_totals_refresh(articles=Article.objects.filter(pk=article.pk))
    article.refresh_from_db(fields=TOTAL_FIELDS)


# --- closing an open usage or downtime ------------------------------------------------


def close_event(event: Event, *, ended_at: dt.datetime, condition: str, acting_user: User) -> None:
    """Give ``event`` (locked, open) its end: the one change an event ever gets.

    It fills in the end, the grade it came back in (when given; otherwise the grade
    it was given when it opened stays), and who closed it and when, once.
    """
    rules.check_happened(ended_at, field="ended_at")
    rules.check_times(event.occurred_at, ended_at)
    event.ended_at = ended_at
    if condition:
        event.condition = condition
    event.closed_at = timezone.now()
    event.closed_by_id = getattr(acting_user, "pk", None)
    event.closed_by_name = user_name(acting_user)
    validate_event(event)
    event.save(update_fields=["ended_at", "condition", "closed_at", "closed_by", "closed_by_name"])


def record_at_close(
    article: Article,
    event: Event,
    *,
    revenue: Money | None,
    cost: Money | None,
    notes: str,
    acting_user: User,
) -> None:
    """What is given at the end of ``event`` besides its end, each as an event of its
    own with the event's reference at the end moment: money that differs from what
    was recorded (``rules.money_at_close``), and notes."""
    assert event.ended_at is not None  # closed by close_event
    given = {
        "revenue": None if revenue is None or revenue == "" else money(revenue),
        "cost": None if cost is None or cost == "" else money(cost),
    }
    for kind, revenue_difference, cost_difference in rules.money_at_close(
        recorded_revenue=event.revenue, recorded_cost=event.cost, **given
    ):
        field = "revenue" if revenue_difference else "cost"
        record(
            article,
            kind,
            acting_user=acting_user,
            occurred_at=event.ended_at,
            revenue=revenue_difference,
            cost=cost_difference,
            reference=event.reference,
            notes=rules.at_close_note(
                field=field,
                kind=event.kind,
                reference=event.reference,
                given=given[field] or ZERO,
                recorded=getattr(event, field),
            ),
        )
    if notes.strip():
        record(
            article,
            EventKind.NOTE,
            acting_user=acting_user,
            occurred_at=event.ended_at,
            reference=event.reference,
            notes=notes,
        )


# --- the kinds' effects -------------------------------------------------------------


def facts_of(event: Event, *, condition: str | None = None) -> EventFacts:
    """The event's values as the kinds' effects read them; ``condition`` replaces the
    event's own grade where the caller knows the one that counts."""
    return EventFacts(
        occurred_at=event.occurred_at,
        ended_at=event.ended_at,
        downtime=event.downtime,
        condition=event.condition if condition is None else condition,
        store_id=event.store_id,
        status=event.status,
    )


def persist(article: Article, after: ArticleState, *, store: Store | None = None) -> None:
    """Write onto ``article`` (locked) the fields in which ``after`` differs from it.

    ``store`` is the store object of ``after.store_id``, when the caller has it.
    """
    changes = {
        name: value
        for name, value in dataclasses.asdict(after).items()
        if getattr(article, name) != value
    }
    if not changes:
        return
    for name, value in changes.items():
        setattr(article, name, value)
    if store is not None and "store_id" in changes:
        article.store = store
    article.full_clean(exclude=["sku", "store"], validate_unique=False, validate_constraints=False)
    article.save(update_fields=[*changes, "updated_at"])


def apply_ended(article: Article, event: Event, *, condition: str, still_down: bool) -> None:
    """What the end of ``event``'s usage or downtime does to ``article``."""
    after = KINDS[event.kind].ended(
        ArticleState.of(article), facts_of(event, condition=condition), still_down=still_down
    )
    persist(article, after)
