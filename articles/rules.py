"""The rules of the lifecycle and the ledger as pure functions over plain data.

``articles.services`` applies them to one article under its row lock; the imports
(``interchange.imports``) apply them to thousands of rows simulated in memory. Each
rule is written here once, with the message staff read when it refuses.

The functions take values (a status, an allocation, a list of usages) rather than
model instances, so that they never query the database. A "usage" is anything with
``kind``, ``occurred_at``, ``ended_at`` and ``reference`` attributes: an ``Event``
or the importer's lightweight copy of one.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from .choices import TRANSITIONS, Allocation, EventKind, Status
from .fields import MONEY_LIMIT
from .kinds import KINDS, USAGE_KINDS, Money

ONE_MICROSECOND = dt.timedelta(microseconds=1)


class UsageLike(Protocol):
    kind: str
    occurred_at: dt.datetime
    ended_at: dt.datetime | None
    reference: str


Usage = TypeVar("Usage", bound=UsageLike)


def format_moment(value: dt.datetime) -> str:
    """A moment as staff read it, in the installation's time zone: "3 May 2025 14:00"."""
    return formats.date_format(timezone.localtime(value), "j M Y H:i")


def kind_label(kind: str) -> str:
    return EventKind(kind).label.lower()


def a_kind(kind: str) -> str:
    """The kind with its indefinite article, to open a sentence: "An inspection"."""
    label = kind_label(kind)
    return f"{'An' if label[:1] in 'aeiou' else 'A'} {label}"


def status_label(status: str) -> str:
    return Status(status).label.lower()


def describe_usage(usage: UsageLike) -> str:
    reference = f" ({usage.reference})" if usage.reference else ""
    return f"{kind_label(usage.kind)}{reference}"


# --- times and usages ---------------------------------------------------------------


# The ledger records what has happened: a moment may lie this far in the future, to
# allow for clocks that differ a little, and no further.
CLOCK_TOLERANCE = dt.timedelta(minutes=1)
# No rental business recorded anything before this.
EARLIEST_EVENT = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EARLIEST_PURCHASE = dt.date(1900, 1, 1)

MOMENT_NAMES = {
    "occurred_at": "The start",
    "ended_at": "The end",
}


def check_happened(moment: dt.datetime, *, field: str, now: dt.datetime | None = None) -> None:
    """A moment of the ledger (``occurred_at``, ``ended_at``) has happened, after 1970.

    What is planned goes in ``due_at``, which may lie in the future.
    """
    name = MOMENT_NAMES.get(field, "The moment")
    if moment < EARLIEST_EVENT:
        raise ValidationError(
            {field: f"{name} ({format_moment(moment)}) is before 1970; check the year."}
        )
    if moment > (now or timezone.now()) + CLOCK_TOLERANCE:
        planned = " Put when it is planned to end in the due date." if field == "ended_at" else ""
        raise ValidationError(
            {
                field: f"{name} ({format_moment(moment)}) is in the future; the ledger "
                f"records what has happened.{planned}"
            }
        )


def check_due(start: dt.datetime, due_at: dt.datetime | None) -> None:
    """A due date, when there is one, is not before the start (it may be in the future)."""
    if due_at is not None and due_at < start:
        raise ValidationError(
            {
                "due_at": f"The due date ({format_moment(due_at)}) is before the start "
                f"({format_moment(start)})."
            }
        )


def check_due_taken(*, kind: str, downtime: bool, due_at: Any) -> None:
    """Only what may be open (a usage, service work with downtime) has a due date."""
    if not due_at:
        return
    spec = KINDS.get(kind)
    if spec is not None and spec.service and not downtime:
        raise ValidationError(
            {"due_at": "Service work takes a due date only with downtime; record it with downtime."}
        )
    if spec is None or not spec.can_be_open:
        raise ValidationError(
            {"due_at": f"{a_kind(kind)} takes no due date; only usages and downtime do."}
        )


def check_purchase_date(day: dt.date, *, today: dt.date | None = None) -> None:
    """A purchase date lies between 1900 and today."""
    today = today or timezone.localdate()
    if not EARLIEST_PURCHASE <= day <= today:
        raise ValidationError(
            {
                "purchased_on": f"The purchase date ({day.isoformat()}) must lie between "
                f"{EARLIEST_PURCHASE.isoformat()} and today ({today.isoformat()})."
            }
        )


def check_times(start: dt.datetime, end: dt.datetime | None) -> None:
    """An end, when there is one, is not before the start."""
    if end is not None and end < start:
        raise ValidationError(
            {
                "ended_at": f"The end ({format_moment(end)}) is before the start ({format_moment(start)})."
            }
        )


def usage_conflict(
    usages: Iterable[Usage], start: dt.datetime, end: dt.datetime | None
) -> Usage | None:
    """The earliest usage that overlaps [start, end), an open end meaning forever."""
    conflicts = [
        usage
        for usage in usages
        if (usage.ended_at is None or usage.ended_at > start)
        and (end is None or usage.occurred_at < end)
    ]
    return min(conflicts, key=lambda usage: usage.occurred_at, default=None)


def refuse_if_on_order(number: str, open_usage: UsageLike | None, doing: str) -> None:
    """Refuse ``doing`` while the article has an open usage."""
    if open_usage is not None:
        raise ValidationError(
            f"{number} is on order since {format_moment(open_usage.occurred_at)}"
            f"{f' ({open_usage.reference})' if open_usage.reference else ''}; end that "
            f"{kind_label(open_usage.kind)} before {doing}."
        )


def refuse_overlap(number: str, conflict: UsageLike | None) -> None:
    """Refuse a usage that overlaps ``conflict`` (found by ``usage_conflict``)."""
    if conflict is None:
        return
    if conflict.ended_at is None:
        raise ValidationError(
            f"{number} is on order since {format_moment(conflict.occurred_at)}"
            f"{f' ({conflict.reference})' if conflict.reference else ''}; end that "
            f"{kind_label(conflict.kind)} first."
        )
    raise ValidationError(
        f"{number} was on {describe_usage(conflict)} from "
        f"{format_moment(conflict.occurred_at)} to {format_moment(conflict.ended_at)}, "
        "which overlaps this usage."
    )


def check_usage_start(*, number: str, kind: str, status: str, allocation: str) -> None:
    """Only an active, rental-allocated article can go out on a usage."""
    if kind not in USAGE_KINDS:
        raise ValidationError({"kind": f"{kind} is not a usage; use rental or subscription."})
    if status != Status.ACTIVE:
        raise ValidationError(
            f"{number} is {status_label(status)}; only active "
            f"articles can go on {kind_label(kind)}."
        )
    if allocation != Allocation.RENTAL:
        raise ValidationError(
            f"{number} is allocated to sales; only rental articles can go on {kind_label(kind)}."
        )


# --- status lifecycle ---------------------------------------------------------------


def check_transition(*, number: str, status: str, target: str) -> None:
    """The lifecycle table of SPEC.md: may ``status`` become ``target``?"""
    if target == status:
        raise ValidationError(f"{number} is already {status_label(status)}.")
    if target not in TRANSITIONS[status]:
        raise ValidationError(
            f"{number} is {status_label(status)}; it cannot become {status_label(target)}."
        )


def check_disposal(
    *,
    number: str,
    usages: Iterable[Usage],
    occurred_at: dt.datetime,
    target: str,
    doing: str,
) -> Usage | None:
    """Checks every disposal shares; returns the open usage that the disposal ends.

    A usage starting at or after the disposal is refused; a sale or loss while on
    order ends the open usage at that moment (a buy-out, a loss on rental); a
    retirement while on order is refused.
    """
    usages = list(usages)
    later = min(
        (usage for usage in usages if usage.occurred_at >= occurred_at),
        key=lambda usage: usage.occurred_at,
        default=None,
    )
    if later is not None:
        raise ValidationError(
            f"{number} has a {describe_usage(later)} starting "
            f"{format_moment(later.occurred_at)}, after this {doing}."
        )
    running = usage_conflict(usages, occurred_at, occurred_at + ONE_MICROSECOND)
    if running is None:
        return None
    if running.ended_at is not None:
        raise ValidationError(
            f"{number} was on {describe_usage(running)} until "
            f"{format_moment(running.ended_at)}, after this {doing}."
        )
    if target == Status.RETIRED:
        refuse_if_on_order(number, running, doing)
    return running


def check_found(*, number: str, disposed_at: dt.datetime | None, occurred_at: dt.datetime) -> None:
    """A lost article cannot be found before it was lost."""
    if disposed_at and occurred_at < disposed_at:
        raise ValidationError(
            f"{number} was lost on {format_moment(disposed_at)}; it cannot be found before that."
        )


def check_transfer(
    *, number: str, status: str, store_id: int | None, target_store_id: int, target_name: str
) -> None:
    if status in (Status.SOLD, Status.RETIRED):
        raise ValidationError(f"{number} is {status_label(status)}; it can no longer move.")
    if target_store_id == store_id:
        raise ValidationError({"store": f"{number} is already in {target_name}."})


# --- money and one ledger row -------------------------------------------------------


def refuse_missing_amount(*, kind: str, revenue: Any, cost: Any) -> None:
    """Income and expenses carry money; an adjustment may be a zero correction."""
    field = KINDS[kind].needs_amount
    if field and not revenue and not cost:
        raise ValidationError({field: f"{a_kind(kind)} needs an amount."})


def refuse_negative_amount(*, kind: str, revenue: Any, cost: Any) -> None:
    """Only a correction (``kinds.NEGATIVE_KINDS``) may take money back."""
    if KINDS[kind].negative:
        return
    for field, amount in (("revenue", revenue), ("cost", cost)):
        if amount is not None and amount != "" and Decimal(amount) < 0:
            raise ValidationError(
                {
                    field: f"{a_kind(kind)} cannot carry a negative {field}; correct an "
                    "amount with an adjustment."
                }
            )


def money_limit_text() -> str:
    return f"{MONEY_LIMIT - Decimal('0.01'):,}"


def check_amount_fits(amount: Decimal, *, field: str) -> None:
    """One amount fits the ledger's money fields."""
    if abs(amount) >= MONEY_LIMIT:
        raise ValidationError(
            {field: f"{amount:,} is too large; an amount is at most {money_limit_text()}."}
        )


def check_totals_fit(
    *,
    number: str,
    kind: str,
    total_revenue: Decimal,
    total_expenses: Decimal,
    total_sale_proceeds: Decimal,
    revenue: Decimal,
    cost: Decimal,
) -> None:
    """The article's stored totals (``articles.totals``) stay within the money fields
    after an event of ``kind`` with ``revenue`` and ``cost``."""
    proceeds = KINDS[kind].proceeds
    after = {
        "sale proceeds" if proceeds else "revenue": (
            total_sale_proceeds if proceeds else total_revenue
        )
        + revenue,
        "expenses": total_expenses + cost,
    }
    for what, total in after.items():
        if abs(total) >= MONEY_LIMIT:
            raise ValidationError(
                f"This would take the {what} of {number} to {total:,}, beyond the "
                f"{money_limit_text()} an article's total can hold; check the amount."
            )


def money_at_close(
    *,
    recorded_revenue: Decimal,
    recorded_cost: Decimal,
    revenue: Decimal | None,
    cost: Decimal | None,
) -> list[tuple[EventKind, Decimal, Decimal]]:
    """The events that keep money given at a return: (kind, revenue, cost) each.

    A usage or downtime is never rewritten. When the return names a revenue or cost
    other than the one recorded, the difference is an event of its own: more revenue
    is income, more cost an expense, less of either an adjustment taking it back.
    """
    events: list[tuple[EventKind, Decimal, Decimal]] = []
    if revenue is not None and revenue != recorded_revenue:
        difference = revenue - recorded_revenue
        kind = EventKind.INCOME if difference > 0 else EventKind.ADJUSTMENT
        events.append((kind, difference, Decimal("0")))
    if cost is not None and cost != recorded_cost:
        difference = cost - recorded_cost
        kind = EventKind.EXPENSE if difference > 0 else EventKind.ADJUSTMENT
        events.append((kind, Decimal("0"), difference))
    return events


def at_close_note(
    *, field: str, kind: str, reference: str, given: Decimal, recorded: Decimal
) -> str:
    """The note on an event that keeps money named at the end of an open usage or
    downtime (``money_at_close``): what was named, and what the start recorded."""
    what = f"{kind_label(kind)}{f' ({reference})' if reference else ''}"
    return (
        f"The {field} given at the end of the {what} was {given:.2f}; "
        f"{recorded:.2f} was recorded at its start."
    )


def check_event_row(
    *,
    kind: str,
    ended_at: Any,
    revenue: Any,
    cost: Any,
    condition: str,
    store: Any,
    status: str,
    due_at: Any = None,
) -> None:
    """Which fields a ledger row of ``kind`` may carry (``event_record``'s checks), as
    its entry in ``articles.kinds`` declares them.

    A service row has downtime when it carries an end or the status ``out_of_use``;
    only a usage or such a row may carry ``due_at``.

    The first problem found is refused, in this order: a field the kind does not
    take, a kind that is not recorded as a row, money it does not carry, a field it
    needs, a status it cannot have, a missing amount. The effects of the row
    (transition, overlap...) are checked by the service or the importer that applies it.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationError({"kind": f"{kind!r} is not an event kind."})
    values = {
        "ended_at": ended_at,
        "condition": condition,
        "store": store,
        "status": status,
        "revenue": revenue,
        "cost": cost,
    }

    def refuse_field(field: str) -> None:
        if values[field]:
            raise ValidationError({field: f"{a_kind(kind)} takes no {field.replace('_', ' ')}."})

    for field in ("store", "status", "ended_at"):
        if field not in spec.takes:
            refuse_field(field)
    if spec.refusal:
        raise ValidationError({"kind": spec.refusal})
    if "condition" not in spec.takes:
        refuse_field("condition")
    if spec.money is Money.NONE and (revenue or cost):
        raise ValidationError(f"{a_kind(kind)} carries no money; record an adjustment instead.")
    for field in ("revenue", "cost"):
        if field not in spec.money.fields:
            refuse_field(field)
    for field, message in spec.requires.items():
        if not values[field]:
            raise ValidationError({field: message})
    if spec.statuses and status not in spec.statuses:
        raise ValidationError({"status": spec.status_refusal.format(status=status)})
    refuse_missing_amount(kind=kind, revenue=revenue, cost=cost)
    refuse_negative_amount(kind=kind, revenue=revenue, cost=cost)
    check_due_taken(
        kind=kind, downtime=bool(ended_at) or status == Status.OUT_OF_USE, due_at=due_at
    )
