"""Writing what the replay of ``events.csv`` decided, in bulk, in one transaction."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from articles.kinds import ArticleState
from articles.models import Article, Event
from articles.totals import articles_totals_refresh

from .bulk import chunks, insert_values
from .results import Progress
from .state import (
    P_AT,
    P_CLOSED,
    P_CONDITION,
    P_COST,
    P_DOWNTIME,
    P_DUE,
    P_END,
    P_KIND,
    P_NOTES,
    P_REFERENCE,
    P_REVENUE,
    P_STATUS,
    P_STORE,
    ArticleReplay,
    Closing,
)

ZERO = Decimal("0")

# The columns of the events the replay inserts, in the order ``replay_write`` gives them.
EVENT_FIELDS = [
    "article_id",
    "kind",
    "occurred_at",
    "ended_at",
    "downtime",
    "revenue",
    "cost",
    "reference",
    "condition",
    "store_id",
    "status",
    "notes",
    "due_at",
    "recorded_by_id",
    "recorded_by_name",
    "recorded_at",
    "source",
    "closed_at",
    "closed_by_id",
    "closed_by_name",
]


def replay_write(
    *,
    states: Sequence[ArticleReplay],
    closings: dict[int, Closing],
    recorded_by: AbstractBaseUser | None,
    source: str,
    progress: Progress,
) -> None:
    """Store the replay's outcome for the articles it changed: the ends of events
    already recorded, the new events, the articles' new state and their totals.

    Every event records who imported it and from which file; an event the import
    closed records who closed it and when, as the services' closing does.
    """
    now = timezone.now()
    recorded_by_id = recorded_by.pk if recorded_by else None
    name = recorded_by.get_username() if recorded_by else ""
    # Ends first: a new usage may start after a usage that was open until now,
    # and the database's exclusion constraint checks each statement.
    _closings_write(closings, closed_at=now, closed_by_id=recorded_by_id, closed_by_name=name)
    total = sum(len(state.pending) for state in states)
    bar = progress(total=total, desc="Writing events", unit="rows", unit_scale=True)

    def events() -> Iterator[tuple[Any, ...]]:
        for state in states:
            article_id = state.article.pk
            for p in state.pending:
                yield (
                    article_id,
                    p[P_KIND],
                    p[P_AT],
                    p[P_END],
                    p[P_DOWNTIME],
                    p[P_REVENUE] or ZERO,
                    p[P_COST] or ZERO,
                    p[P_REFERENCE],
                    p[P_CONDITION],
                    p[P_STORE],
                    p[P_STATUS],
                    p[P_NOTES],
                    p[P_DUE],
                    recorded_by_id,
                    name,
                    now,
                    source,
                    *((now, recorded_by_id, name) if p[P_CLOSED] else (None, None, "")),
                )
            bar.update(len(state.pending))
            state.pending = []

    insert_values(Event, EVENT_FIELDS, events())
    bar.close()
    # Articles whose state moved, updated together by their new state: most
    # imports leave few distinct states (status, condition, store, disposal).
    by_state: defaultdict[ArticleState, list[int]] = defaultdict(list)
    for state in states:
        if state.article_state != ArticleState.of(state.article):
            by_state[state.article_state].append(state.article.pk)
    for after, ids in by_state.items():
        for chunk in chunks(ids):
            Article.objects.filter(pk__in=chunk).update(
                status=after.status,
                condition=after.condition,
                store_id=after.store_id,
                disposed_at=after.disposed_at,
                updated_at=now,
            )
    articles_totals_refresh(article_ids=[state.article.pk for state in states])


def _closings_write(
    closings: dict[int, Closing],
    *,
    closed_at: dt.datetime,
    closed_by_id: Any,
    closed_by_name: str,
) -> None:
    """Give events of the database their end: the one change the ledger allows."""
    for pk in sorted(closings):
        closing = closings[pk]
        changes: dict[str, Any] = {
            "ended_at": closing.ended_at,
            "closed_at": closed_at,
            "closed_by_id": closed_by_id,
            "closed_by_name": closed_by_name,
        }
        if closing.condition:
            changes["condition"] = closing.condition
        Event.objects.filter(pk=pk).update(**changes)
