"""Status changes and disposals (SPEC.md "Status lifecycle"): a manual change, a
sale, a retirement, a loss, and a lost article found."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles import rules
from articles.models import DISPOSAL_KINDS, DISPOSED_STATUSES, Article, Event, EventKind, Status

from ._shared import ZERO, Money, User, check_moments, lock, money, record
from .usages import close_usage


def _check_status(
    article: Article, target: str, *, occurred_at: dt.datetime, doing: str, acting_user: User
) -> None:
    """May ``article`` (locked) become ``target`` at ``occurred_at``? A disposal also
    ends the open usage it takes over: a sale or loss while on order ends it at that
    moment (a buy-out, a loss on rental); a retirement while on order is refused."""
    check_moments(occurred_at=occurred_at)
    rules.check_transition(number=article.number, status=article.status, target=target)
    if target in DISPOSED_STATUSES:
        # Only usages that reach the disposal's moment or start after it can matter.
        usages = article.events.usages().filter(
            Q(occurred_at__gte=occurred_at) | Q(ended_at__isnull=True) | Q(ended_at__gt=occurred_at)
        )
        running = rules.check_disposal(
            number=article.number,
            usages=usages,
            occurred_at=occurred_at,
            target=target,
            doing=doing,
        )
        if running is not None:
            # The disposal that follows at the same moment says why it ended.
            close_usage(article, running, ended_at=occurred_at, acting_user=acting_user)
    elif article.status == Status.LOST:
        rules.check_found(
            number=article.number, disposed_at=article.disposed_at, occurred_at=occurred_at
        )


@transaction.atomic
def article_status_change(
    *,
    article: Article,
    status: str,
    occurred_at: dt.datetime | None = None,
    notes: str = "",
    reference: str = "",
    acting_user: User = None,
) -> Event:
    """A manual status change with its reason, under the lifecycle table."""
    if status not in Status.values:
        raise ValidationError({"status": f"{status!r} is not a status."})
    article = lock(article)
    occurred_at = occurred_at or timezone.now()
    _check_status(
        article, status, occurred_at=occurred_at, doing="status change", acting_user=acting_user
    )
    return record(
        article,
        EventKind.STATUS_CHANGE,
        acting_user=acting_user,
        occurred_at=occurred_at,
        status=status,
        reference=reference,
        notes=notes,
    )


def _disposal(
    kind: EventKind,
    *,
    article: Article,
    occurred_at: dt.datetime | None,
    acting_user: User,
    **fields: Any,
) -> Event:
    article = lock(article)
    occurred_at = occurred_at or timezone.now()
    _check_status(
        article,
        DISPOSAL_KINDS[kind],
        occurred_at=occurred_at,
        doing=rules.kind_label(kind),
        acting_user=acting_user,
    )
    return record(article, kind, acting_user=acting_user, occurred_at=occurred_at, **fields)


@transaction.atomic
def article_sell(
    *,
    article: Article,
    price: Money,
    occurred_at: dt.datetime | None = None,
    cost: Money = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Sell the article; sold while on order, it is the customer's buy-out."""
    return _disposal(
        EventKind.SALE,
        article=article,
        occurred_at=occurred_at,
        acting_user=acting_user,
        revenue=money(price),
        cost=money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def article_retire(
    *,
    article: Article,
    occurred_at: dt.datetime | None = None,
    cost: Money = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Scrap, recycle or donate the article; refused while it is on order."""
    return _disposal(
        EventKind.RETIREMENT,
        article=article,
        occurred_at=occurred_at,
        acting_user=acting_user,
        cost=money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def article_report_lost(
    *,
    article: Article,
    occurred_at: dt.datetime | None = None,
    revenue: Money = ZERO,
    cost: Money = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Lost or stolen; ``revenue`` is insurance or a charge to the customer."""
    return _disposal(
        EventKind.LOSS,
        article=article,
        occurred_at=occurred_at,
        acting_user=acting_user,
        revenue=money(revenue),
        cost=money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def article_found(
    *,
    article: Article,
    occurred_at: dt.datetime | None = None,
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """A lost article is back: it becomes active again and is no longer disposed."""
    article = lock(article)
    if article.status != Status.LOST:
        raise ValidationError(
            f"{article.number} is {article.get_status_display().lower()}, not lost."
        )
    return article_status_change(
        article=article,
        status=Status.ACTIVE,
        occurred_at=occurred_at,
        notes=notes or "Found.",
        acting_user=acting_user,
    )
