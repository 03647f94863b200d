"""What the replay of ``events.csv`` holds: the rows, the events it will write, and
each article's state as the rows see it."""

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from articles.kinds import ArticleState
from articles.models import Article

ZERO = Decimal("0")

# A parsed row: (line, kind, occurred_at, ended_at, revenue, cost, reference,
# condition, store, status, notes, due_at). Compact on purpose: a million of them fit.
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
    R_DUE,
) = range(12)

# A pending event, mutable so that a later row of the file can close it (``P_CLOSED``:
# it is written closed, with who closed it and when, as the services would close it).
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
    P_DUE,
    P_CLOSED,
) = range(13)


class Usage:
    """A usage of one article, from the database or from the file: when it ran, and,
    while it is open, what it recorded (the grade it went out in, its money, its due
    date), which the row that closes it is compared with."""

    __slots__ = (
        "kind",
        "occurred_at",
        "ended_at",
        "reference",
        "target",
        "condition",
        "revenue",
        "cost",
        "due_at",
    )

    def __init__(
        self,
        kind: str,
        occurred_at: dt.datetime,
        ended_at: dt.datetime | None,
        reference: str,
        target: int | Pending,
        *,
        condition: str = "",
        revenue: Decimal = ZERO,
        cost: Decimal = ZERO,
        due_at: dt.datetime | None = None,
    ) -> None:
        self.kind = kind
        self.occurred_at = occurred_at
        self.ended_at = ended_at
        self.reference = reference
        self.target = target  # an event id (database) or a pending list (file)
        self.condition = condition
        self.revenue = revenue
        self.cost = cost
        self.due_at = due_at


class Downtime:
    """An open downtime: the status its service event set, the grade recorded when
    it was opened (the one its end gives if the closing row gives none), its cost and
    due date as recorded, and that event."""

    __slots__ = ("status", "condition", "target", "cost", "due_at")

    def __init__(
        self,
        status: str,
        condition: str,
        target: int | Pending,
        *,
        cost: Decimal = ZERO,
        due_at: dt.datetime | None = None,
    ) -> None:
        self.status = status
        self.condition = condition
        self.target = target
        self.cost = cost
        self.due_at = due_at


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
        # The stored totals as the rows reach them, so that none overflows.
        self.total_revenue = article.total_revenue
        self.total_expenses = article.total_expenses
        self.total_sale_proceeds = article.total_sale_proceeds

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
    """What closing an open usage or downtime of the database fills in: its end and
    the grade it came back in (none: it keeps the one it was opened with). Money and
    notes given at the close become events of their own."""

    ended_at: dt.datetime
    condition: str = ""


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
