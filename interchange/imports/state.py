"""What the replay of ``events.csv`` holds: the rows, the events it will write, and
each article's state as the rows see it."""

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from articles.kinds import ArticleState
from articles.models import Article

# A parsed row: (line, kind, occurred_at, ended_at, revenue, cost, reference,
# condition, store, status, notes). Compact on purpose: a million of them fit.
Row = tuple[Any, ...]
(
    R_LINE,
    R_KIND,
    R_AT,
    R_END,
    R_REVENUE,
    R_COST,
    R_REFERENCE,
    R_CONDITION,
    R_STORE,
    R_STATUS,
    R_NOTES,
) = range(11)

# A pending event, mutable so that a later row can close it.
Pending = list[Any]
(
    P_KIND,
    P_AT,
    P_END,
    P_DOWNTIME,
    P_REVENUE,
    P_COST,
    P_REFERENCE,
    P_CONDITION,
    P_STORE,
    P_STATUS,
    P_NOTES,
) = range(11)


class Usage:
    """A usage of one article, from the database or from the file."""

    __slots__ = ("kind", "occurred_at", "ended_at", "reference", "target")

    def __init__(
        self,
        kind: str,
        occurred_at: dt.datetime,
        ended_at: dt.datetime | None,
        reference: str,
        target: int | Pending,
    ) -> None:
        self.kind = kind
        self.occurred_at = occurred_at
        self.ended_at = ended_at
        self.reference = reference
        self.target = target  # an event id (database) or a pending list (file)


class Downtime:
    """An open downtime: the status its service event set, the grade recorded when
    it was opened (the one its end gives if the closing row gives none), and that
    event."""

    __slots__ = ("status", "condition", "target")

    def __init__(self, status: str, condition: str, target: int | Pending) -> None:
        self.status = status
        self.condition = condition
        self.target = target


# What (kind, occurred_at, reference) names: an open usage or downtime that a later
# row may close, or True for an event that can no longer change.
Recorded = Usage | Downtime | bool


class ArticleReplay:
    """One article as the rows see it, row after row, in occurred_at order.

    ``article_state`` is what the kinds' effects have made of the article so far;
    the rest is what the rules of the next rows need (its usages, open downtimes,
    the keys of its events) and the events to write.
    """

    def __init__(self, article: Article) -> None:
        self.article = article
        self.number = article.number
        self.allocation = article.allocation
        self.article_state = ArticleState.of(article)
        self.usages: list[Usage] = []
        self.starts: list[dt.datetime] = []
        self.downtimes: list[Downtime] = []
        self.keys: dict[tuple[str, dt.datetime, str], Recorded] = {}
        self.has_acquisition = False
        self.pending: list[Pending] = []
        self.changed = False

    def release(self) -> None:
        """Forget what only the rows of this article needed; keep what is written."""
        del self.usages, self.starts, self.downtimes, self.keys

    def add_usage(self, usage: Usage) -> None:
        position = bisect.bisect_right(self.starts, usage.occurred_at)
        self.starts.insert(position, usage.occurred_at)
        self.usages.insert(position, usage)

    def candidates(self, start: dt.datetime, end: dt.datetime | None) -> list[Usage]:
        """The usages that can overlap [start, end): usages never overlap each other,
        so only the last one starting before ``start`` and those starting inside."""
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        last = len(self.usages) if end is None else bisect.bisect_left(self.starts, end)
        return self.usages[first:last]

    def later_or_running(self, moment: dt.datetime) -> list[Usage]:
        first = max(bisect.bisect_right(self.starts, moment) - 1, 0)
        return self.usages[first:]


@dataclass(frozen=True)
class Closing:
    """What a row that closes an open usage or downtime gives it: its end, and the
    amounts, grade and notes that replace or add to those it was opened with."""

    ended_at: dt.datetime
    revenue: Decimal | None = None
    cost: Decimal | None = None
    condition: str = ""
    notes: str = ""


@dataclass
class EventRows:
    """The rows of an events file that could be read, grouped per article."""

    # Per article number in lower case, the rows in file order.
    groups: dict[str, list[Row]]
    # The article number as the file first wrote it, per lower-case number.
    originals: dict[str, str]
    # The lines of rows with errors, per lower-case number: their article must exist too.
    unapplied: dict[str, list[int]]
    store_names: set[str]
    count: int
