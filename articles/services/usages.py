"""Rentals and subscriptions: a usage starts, and ends with the return."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from articles import rules
from articles.models import USAGE_KINDS, Article, Event, EventKind

from ._shared import (
    ZERO,
    Money,
    User,
    apply_ended,
    check_moments,
    close_event,
    lock,
    money,
    open_usage,
    record,
    record_at_close,
)


def _usage_conflict(
    article: Article, start: dt.datetime, end: dt.datetime | None, *, exclude: Event | None = None
) -> Event | None:
    """A usage of the article that overlaps [start, end), an open end meaning forever."""
    usages = article.events.usages().filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
    if end is not None:
        usages = usages.filter(occurred_at__lt=end)
    if exclude is not None:
        usages = usages.exclude(pk=exclude.pk)
    return usages.order_by("occurred_at").first()


def _refuse_overlap(article: Article, start: dt.datetime, end: dt.datetime | None) -> None:
    rules.refuse_overlap(article.number, _usage_conflict(article, start, end))


@transaction.atomic
def usage_start(
    *,
    article: Article,
    kind: str = EventKind.RENTAL,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    revenue: Money = ZERO,
    cost: Money = ZERO,
    reference: str = "",
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Start a rental or subscription; with ``ended_at`` it is recorded as completed.

    Only an active, rental-allocated article that is not on order can go out, and
    no two usages of one article may overlap. ``due_at`` is when it should end.
    ``condition`` is the grade it came back in when the end is given, else the grade
    it went out in: kept on the open usage, it becomes the article's condition only
    when the usage ends.
    """
    if kind not in USAGE_KINDS:
        raise ValidationError({"kind": f"{kind} is not a usage; use rental or subscription."})
    article = lock(article)
    started_at = started_at or timezone.now()
    check_moments(occurred_at=started_at, ended_at=ended_at, due_at=due_at)
    rules.check_usage_start(
        number=article.number, kind=kind, status=article.status, allocation=article.allocation
    )
    _refuse_overlap(article, started_at, ended_at)
    try:
        event = record(
            article,
            kind,
            acting_user=acting_user,
            occurred_at=started_at,
            ended_at=ended_at,
            due_at=due_at,
            revenue=money(revenue),
            cost=money(cost),
            reference=reference,
            condition=condition,
            notes=notes,
        )
    except IntegrityError as error:
        if "event_usages_do_not_overlap" not in str(error):
            raise
        # A usage committed since our check (PostgreSQL waited for it): name it,
        # with the same message the check itself would have given.
        try:
            _refuse_overlap(article, started_at, ended_at)
        except ValidationError as refusal:
            raise refusal from error
        raise ValidationError(
            f"{article.number} already has a usage at that time; usages of one "
            "article cannot overlap."
        ) from error
    return event


def close_usage(
    article: Article,
    usage: Event,
    *,
    ended_at: dt.datetime,
    acting_user: User,
    revenue: Money | None = None,
    cost: Money | None = None,
    condition: str = "",
    notes: str = "",
) -> Event:
    """Give ``usage`` its end (``close_event``): the grade it came back in becomes
    the article's condition. Money and notes given at the return are events of their
    own (``record_at_close``); the usage is never rewritten."""
    close_event(usage, ended_at=ended_at, condition=condition, acting_user=acting_user)
    apply_ended(article, usage, condition=usage.condition, still_down=False)
    record_at_close(
        article, usage, revenue=revenue, cost=cost, notes=notes, acting_user=acting_user
    )
    return usage


@transaction.atomic
def usage_end(
    *,
    article: Article,
    ended_at: dt.datetime | None = None,
    revenue: Money | None = None,
    cost: Money | None = None,
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """End the article's open rental or subscription (the return).

    ``revenue`` and ``cost``, when given, are what the usage earned and cost in all:
    a difference from what it recorded is kept as an income, an expense or an
    adjustment. ``condition`` is the grade it came back in and becomes the article's
    condition; ``notes`` become a note.
    """
    article = lock(article)
    usage = open_usage(article)
    if usage is None:
        raise ValidationError(f"{article.number} is not on order; there is no usage to end.")
    return close_usage(
        article,
        usage,
        ended_at=ended_at or timezone.now(),
        revenue=revenue,
        cost=cost,
        condition=condition,
        notes=notes,
        acting_user=acting_user,
    )
