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
    lock,
    money,
    open_usage,
    record,
    refresh_totals,
    save_end,
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
    revenue: Money = ZERO,
    cost: Money = ZERO,
    reference: str = "",
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Start a rental or subscription; with ``ended_at`` it is recorded as completed.

    Only an active, rental-allocated article that is not on order can go out, and
    no two usages of one article may overlap.
    """
    if kind not in USAGE_KINDS:
        raise ValidationError({"kind": f"{kind} is not a usage; use rental or subscription."})
    article = lock(article)
    started_at = started_at or timezone.now()
    rules.check_times(started_at, ended_at)
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
            revenue=money(revenue),
            cost=money(cost),
            reference=reference,
            condition=condition if ended_at else "",
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
    revenue: Money | None = None,
    cost: Money | None = None,
    condition: str = "",
    notes: str = "",
) -> Event:
    """Give ``usage`` its end; the grade given at the return becomes the condition."""
    rules.check_times(usage.occurred_at, ended_at)
    usage.ended_at = ended_at
    fields = ["ended_at"]
    if revenue is not None and revenue != "":
        usage.revenue = money(revenue)
        fields.append("revenue")
    if cost is not None and cost != "":
        usage.cost = money(cost)
        fields.append("cost")
    if condition:
        usage.condition = condition
        fields.append("condition")
    if notes:
        usage.notes = f"{usage.notes}\n{notes}".strip()
        fields.append("notes")
    save_end(usage, fields)
    apply_ended(article, usage, condition=condition, still_down=False)
    refresh_totals(article)
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

    ``revenue``, when given, is what the usage earned; ``condition`` is the grade it
    came back in and becomes the article's condition.
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
    )
