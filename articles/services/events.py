"""One entry point for a ledger row of any kind: ``event_record`` checks the row
against its kind's entry in ``articles.kinds`` and hands it to the service that
owns the kind's rules."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from articles import rules
from articles.models import SERVICE_KINDS, USAGE_KINDS, Article, Event, EventKind, Status, Store

from ._shared import Money, User, money
from .records import article_transfer, inspection_record, money_record, note_record
from .service_work import service_record
from .status import article_report_lost, article_retire, article_sell, article_status_change
from .usages import usage_start


@dataclass(frozen=True)
class _Row:
    article: Article
    kind: str
    occurred_at: dt.datetime
    ended_at: dt.datetime | None
    due_at: dt.datetime | None
    revenue: Decimal
    cost: Decimal
    reference: str
    condition: str
    store: Store | None
    status: str
    notes: str
    acting_user: User

    def common(self) -> dict[str, Any]:
        """What every service takes from a row, whatever its kind."""
        return {
            "article": self.article,
            "occurred_at": self.occurred_at,
            "reference": self.reference,
            "notes": self.notes,
            "acting_user": self.acting_user,
        }


def _usage(row: _Row) -> Event:
    common = row.common()
    started_at = common.pop("occurred_at")
    return usage_start(
        **common,
        kind=row.kind,
        started_at=started_at,
        ended_at=row.ended_at,
        due_at=row.due_at,
        revenue=row.revenue,
        cost=row.cost,
        condition=row.condition,
    )


def _service(row: _Row) -> Event:
    """``status`` out_of_use without an end is an open downtime; with an end, a
    completed one."""
    return service_record(
        **row.common(),
        kind=row.kind,
        downtime=row.status == Status.OUT_OF_USE or row.ended_at is not None,
        ended_at=row.ended_at,
        due_at=row.due_at,
        cost=row.cost,
        condition=row.condition,
    )


def _inspection(row: _Row) -> Event:
    return inspection_record(**row.common(), condition=row.condition, cost=row.cost)


def _transfer(row: _Row) -> Event:
    assert row.store is not None  # check_event_row requires it
    return article_transfer(**row.common(), store=row.store, cost=row.cost)


def _status_change(row: _Row) -> Event:
    return article_status_change(**row.common(), status=row.status)


def _money(row: _Row) -> Event:
    return money_record(**row.common(), kind=row.kind, revenue=row.revenue, cost=row.cost)


def _note(row: _Row) -> Event:
    return note_record(**{**row.common(), "notes": row.notes or "(no text)"})


def _sale(row: _Row) -> Event:
    return article_sell(**row.common(), price=row.revenue, cost=row.cost)


def _retirement(row: _Row) -> Event:
    return article_retire(**row.common(), cost=row.cost)


def _loss(row: _Row) -> Event:
    return article_report_lost(**row.common(), revenue=row.revenue, cost=row.cost)


# The service that records a row of each kind (every kind but the acquisition,
# which is recorded when its article is added).
RECORDERS: dict[str, Callable[[_Row], Event]] = {
    **dict.fromkeys(USAGE_KINDS, _usage),
    **dict.fromkeys(SERVICE_KINDS, _service),
    EventKind.INSPECTION: _inspection,
    EventKind.TRANSFER: _transfer,
    EventKind.STATUS_CHANGE: _status_change,
    EventKind.INCOME: _money,
    EventKind.EXPENSE: _money,
    EventKind.ADJUSTMENT: _money,
    EventKind.NOTE: _note,
    EventKind.SALE: _sale,
    EventKind.RETIREMENT: _retirement,
    EventKind.LOSS: _loss,
}


def event_record(
    *,
    article: Article,
    kind: str,
    occurred_at: dt.datetime,
    ended_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    revenue: Money | None = None,
    cost: Money | None = None,
    reference: str = "",
    condition: str = "",
    store: Store | None = None,
    status: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Record one ledger row of any kind through the service that owns its rules.

    This is how a row of ``events.csv`` or the admin's "add event" form enters the
    ledger. A service row whose ``status`` is ``out_of_use`` and that has no end is
    an open downtime; with an end it is a completed downtime. ``due_at``, when it
    should end, is taken by usages and downtime only.
    """
    amounts = money(revenue), money(cost)
    # Which fields a row of this kind may carry; the services check its effects.
    rules.check_event_row(
        kind=kind,
        ended_at=ended_at,
        revenue=amounts[0],
        cost=amounts[1],
        condition=condition,
        store=store,
        status=status,
        due_at=due_at,
    )
    row = _Row(
        article=article,
        kind=kind,
        occurred_at=occurred_at,
        ended_at=ended_at,
        due_at=due_at,
        revenue=amounts[0],
        cost=amounts[1],
        reference=reference,
        condition=condition,
        store=store,
        status=status,
        notes=notes,
        acting_user=acting_user,
    )
    return RECORDERS[kind](row)
