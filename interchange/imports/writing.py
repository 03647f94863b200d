"""Writing what the replay of ``events.csv`` decided, in bulk, in one transaction."""

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
    P_CONDITION,
    P_COST,
    P_DOWNTIME,
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
    "recorded_by_id",
    "recorded_at",
]


def replay_write(
    *,
    states: Sequence[ArticleReplay],
    closings: dict[int, Closing],
    recorded_by: AbstractBaseUser | None,
    progress: Progress,
) -> None:
    """Store the replay's outcome for the articles it changed: the ends of events
    already recorded, the new events, the articles' new state and their totals."""
    now = timezone.now()
    # Ends first: a new usage may start after a usage that was open until now,
    # and the database's exclusion constraint checks each statement.
    _closings_write(closings)
    total = sum(len(state.pending) for state in states)
    bar = progress(total=total, desc="Writing events", unit="rows", unit_scale=True)

    recorded_by_id = recorded_by.pk if recorded_by else None

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
                    recorded_by_id,
                    now,
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


def _closings_write(closings: dict[int, Closing]) -> None:
    if not closings:
        return
    for chunk in chunks(sorted(closings)):
        for event in Event.objects.filter(pk__in=chunk).only("notes"):
            closing = closings[event.pk]
            changes: dict[str, Any] = {"ended_at": closing.ended_at}
            if closing.revenue is not None:
                changes["revenue"] = closing.revenue
            if closing.cost is not None:
                changes["cost"] = closing.cost
            if closing.condition:
                changes["condition"] = closing.condition
            if closing.notes:
                changes["notes"] = f"{event.notes}\n{closing.notes}".strip()
            Event.objects.filter(pk=event.pk).update(**changes)
