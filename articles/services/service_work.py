"""Maintenance, repair and cleaning, with or without downtime."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.kinds import service_takes_out_of_use
from articles.models import SERVICE_KINDS, Article, Event, Status

from ._shared import (
    ZERO,
    Money,
    User,
    apply_ended,
    check_moments,
    close_event,
    lock,
    money,
    record,
    record_at_close,
)


def _held_out_of_use(article: Article) -> bool:
    """Does an open downtime hold the article out of use?"""
    return article.events.open_downtimes().filter(status=Status.OUT_OF_USE).exists()


@transaction.atomic
def service_record(
    *,
    article: Article,
    kind: str,
    occurred_at: dt.datetime | None = None,
    downtime: bool = False,
    ended_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    cost: Money = ZERO,
    reference: str = "",
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Record maintenance, repair or cleaning, optionally with downtime.

    An open downtime takes an active article out of use until ``service_end``; a
    downtime given with its end is recorded as completed. ``ended_at`` implies
    downtime; ``due_at`` (when the downtime should end) needs it.
    """
    if kind not in SERVICE_KINDS:
        raise ValidationError({"kind": f"{kind} is not service work."})
    article = lock(article)
    occurred_at = occurred_at or timezone.now()
    downtime = downtime or ended_at is not None
    check_moments(occurred_at=occurred_at, ended_at=ended_at, due_at=due_at)
    takes_out_of_use = service_takes_out_of_use(
        status=article.status,
        downtime=downtime,
        ended_at=ended_at,
        joins_open_downtime=downtime
        and ended_at is None
        and article.status == Status.OUT_OF_USE
        and _held_out_of_use(article),
    )
    return record(
        article,
        kind,
        acting_user=acting_user,
        occurred_at=occurred_at,
        ended_at=ended_at,
        due_at=due_at,
        downtime=downtime,
        cost=money(cost),
        reference=reference,
        condition=condition,
        status=Status.OUT_OF_USE if takes_out_of_use else "",
        notes=notes,
    )


@transaction.atomic
def service_end(
    *,
    event: Event,
    ended_at: dt.datetime | None = None,
    cost: Money | None = None,
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """End a service event's downtime; an article it took out of use returns to active.

    The grade it came back in, given now or when the downtime was opened, becomes the
    article's condition. ``cost``, when given, is what the work cost in all: a
    difference from what was recorded is kept as an expense or an adjustment, and
    ``notes`` as a note; the service event itself is never rewritten.
    """
    article = lock(event.article)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not (event.kind in SERVICE_KINDS and event.downtime and event.ended_at is None):
        raise ValidationError(f"This {event.get_kind_display().lower()} has no open downtime.")
    close_event(
        event, ended_at=ended_at or timezone.now(), condition=condition, acting_user=acting_user
    )
    apply_ended(article, event, condition=event.condition, still_down=_held_out_of_use(article))
    record_at_close(article, event, revenue=None, cost=cost, notes=notes, acting_user=acting_user)
    return event
