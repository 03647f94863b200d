"""One entry per event kind (SPEC.md "Events"): the fields a ledger row of the kind
takes, the money it carries, and what it does to its article.

Everything else that depends on the kind is made from this table: the kind sets
that the models' constraints, the exports and the report SQL use, the checks of
``rules.check_event_row``, which kinds feed which stored total (``articles.totals``),
and the changes the services write to an article. A new kind is one entry here.

An effect is a pure function over plain values: the article's state before and the
event as recorded in the ledger -> the article's state after. The services apply it
to the locked article and save what changed; an in-memory replay of many rows (the
events import) applies the same functions to its own copies of the state. What an
effect needs to know beyond the article and the row (whether another downtime still
holds the article out of use) is passed to it, so it never queries the database.
"""

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from .choices import DISPOSED_STATUSES, EventKind, Status

# The optional fields of a ledger row besides its money (``Money``).
ROW_FIELDS = ("ended_at", "condition", "store", "status")


class HasState(Protocol):
    """An article, or anything that holds the fields the ledger changes on one."""

    @property
    def status(self) -> str: ...
    @property
    def condition(self) -> str: ...
    @property
    def store_id(self) -> int | None: ...
    @property
    def disposed_at(self) -> dt.datetime | None: ...


@dataclass(frozen=True)
class ArticleState:
    """What the ledger changes on an article."""

    status: str
    condition: str
    store_id: int | None
    disposed_at: dt.datetime | None

    @classmethod
    def of(cls, article: HasState) -> "ArticleState":
        return cls(
            status=article.status,
            condition=article.condition,
            store_id=article.store_id,
            disposed_at=article.disposed_at,
        )


@dataclass(frozen=True)
class EventFacts:
    """An event as the ledger holds it: as recorded, or as closed when it ends.

    ``status`` is a status change's target, or ``out_of_use`` on service work whose
    open downtime took the article out of use.
    """

    occurred_at: dt.datetime
    ended_at: dt.datetime | None = None
    downtime: bool = False
    condition: str = ""
    store_id: int | None = None
    status: str = ""


class Effect(Protocol):
    def __call__(self, state: ArticleState, event: EventFacts) -> ArticleState: ...


class EndEffect(Protocol):
    def __call__(
        self, state: ArticleState, event: EventFacts, *, still_down: bool
    ) -> ArticleState: ...


class Money(enum.Enum):
    """Which amounts a row of the kind may carry."""

    NONE = ()
    REVENUE = ("revenue",)
    COST = ("cost",)
    BOTH = ("revenue", "cost")

    @property
    def fields(self) -> tuple[str, ...]:
        return self.value


# --- effects ------------------------------------------------------------------------


def no_effect(state: ArticleState, event: EventFacts) -> ArticleState:
    """Income, expenses, corrections and remarks leave the article as it is. So does
    the acquisition: the article is created in the state it records."""
    return state


def grade(state: ArticleState, event: EventFacts) -> ArticleState:
    """An event that grades sets the article's condition at once."""
    return replace(state, condition=event.condition) if event.condition else state


def move(state: ArticleState, event: EventFacts) -> ArticleState:
    return replace(state, store_id=event.store_id)


def usage_recorded(state: ArticleState, event: EventFacts) -> ArticleState:
    """A usage recorded with its end grades the article; an open one changes nothing
    (being on order is read from the ledger, not stored on the article)."""
    return grade(state, event) if event.ended_at else state


def usage_ended(state: ArticleState, event: EventFacts, *, still_down: bool) -> ArticleState:
    """The return: the grade it came back in becomes the article's condition."""
    return grade(state, event)


def service_takes_out_of_use(
    *, status: str, downtime: bool, ended_at: dt.datetime | None, joins_open_downtime: bool
) -> bool:
    """Does a new service event keep the article out of use (and record ``out_of_use``)?

    An open downtime takes an active article out, or joins another open downtime
    (``joins_open_downtime``) that did.
    """
    if not downtime or ended_at is not None:
        return False
    return status == Status.ACTIVE or (status == Status.OUT_OF_USE and joins_open_downtime)


def service_end_returns_active(*, event_status: str, status: str, still_down: bool) -> bool:
    """Does ending a downtime bring the article back into use?"""
    return event_status == Status.OUT_OF_USE and status == Status.OUT_OF_USE and not still_down


def service_recorded(state: ArticleState, event: EventFacts) -> ArticleState:
    """Service work grades at once unless its downtime is still open; an open downtime
    that holds the article out of use takes an active article out."""
    if event.status == Status.OUT_OF_USE and state.status == Status.ACTIVE:
        state = replace(state, status=Status.OUT_OF_USE)
    if event.ended_at is not None or not event.downtime:
        state = grade(state, event)
    return state


def service_ended(state: ArticleState, event: EventFacts, *, still_down: bool) -> ArticleState:
    """The downtime's end: its grade becomes the condition, and an article that it
    took out of use returns to active unless another downtime still holds it."""
    state = grade(state, event)
    if service_end_returns_active(
        event_status=event.status, status=state.status, still_down=still_down
    ):
        state = replace(state, status=Status.ACTIVE)
    return state


def disposed_at_after(
    *, status: str, disposed_at: dt.datetime | None, occurred_at: dt.datetime
) -> dt.datetime:
    """When a disposal at ``occurred_at`` disposed of the article.

    A lost article that is written off (retired) has been gone since the loss.
    """
    if status == Status.LOST and disposed_at is not None:
        return disposed_at
    return occurred_at


def status_becomes(state: ArticleState, target: str, occurred_at: dt.datetime) -> ArticleState:
    """The article in status ``target``: a disposal sets ``disposed_at``, a lost
    article found clears it. (Whether the change is allowed is ``rules``' to say.)"""
    if target in DISPOSED_STATUSES:
        disposed_at = disposed_at_after(
            status=state.status, disposed_at=state.disposed_at, occurred_at=occurred_at
        )
        return replace(state, status=target, disposed_at=disposed_at)
    if state.status == Status.LOST:
        return replace(state, status=target, disposed_at=None)
    return replace(state, status=target)


def status_changed(state: ArticleState, event: EventFacts) -> ArticleState:
    return status_becomes(state, event.status, event.occurred_at)


def disposes_to(target: Status) -> Effect:
    """The effect of a disposal kind: the article becomes ``target``."""

    def disposed(state: ArticleState, event: EventFacts) -> ArticleState:
        return status_becomes(state, target, event.occurred_at)

    return disposed


# --- the registry -------------------------------------------------------------------


@dataclass(frozen=True)
class KindSpec:
    """What a ledger row of one kind takes and does.

    ``takes`` lists the optional fields of ``ROW_FIELDS`` a row may carry, and
    ``requires`` those it must carry, with the message that says so. ``statuses``
    are the values its ``status`` may have (``status_refusal`` formats the refusal
    of another, with ``status``). ``needs_amount`` names the field reported when a
    row that must carry money carries none. ``negative`` lets its amounts be below
    zero, so that a correction can take money back (the models' constraints hold
    every other kind's amounts at zero or more). ``refusal`` says why a row of the kind cannot be recorded as
    an event of the ledger on its own.
    """

    kind: EventKind
    money: Money
    takes: frozenset[str] = frozenset()
    requires: Mapping[str, str] = field(default_factory=dict)
    statuses: frozenset[str] = frozenset()
    status_refusal: str = ""
    needs_amount: str = ""
    negative: bool = False
    usage: bool = False
    service: bool = False
    disposes_to: Status | None = None
    proceeds: bool = False  # its revenue is sale proceeds, not revenue
    refusal: str = ""
    # Who may record a row of the kind (``inventory_site.roles`` gives it to roles).
    permission: str = "articles.add_event"
    effect: Effect = no_effect
    end_effect: EndEffect | None = None

    @property
    def label(self) -> str:
        return str(self.kind.label)

    def ended(self, state: ArticleState, event: EventFacts, *, still_down: bool) -> ArticleState:
        """What the end of an open usage or downtime of this kind does to the article."""
        assert self.end_effect is not None, f"a {self.kind} has no end"
        return self.end_effect(state, event, still_down=still_down)

    @property
    def can_be_open(self) -> bool:
        """A usage, or service work with downtime, may be recorded without its end."""
        return self.end_effect is not None


# The permissions (``articles.Article.Meta.permissions``) beyond ``add_event``.
DISPOSE_ARTICLE = "articles.dispose_article"
CORRECT_LEDGER = "articles.correct_ledger"

_ENDS_AND_GRADES = frozenset({"ended_at", "condition"})


def _usage(kind: EventKind) -> KindSpec:
    return KindSpec(
        kind,
        Money.BOTH,
        takes=_ENDS_AND_GRADES,
        usage=True,
        effect=usage_recorded,
        end_effect=usage_ended,
    )


def _service(kind: EventKind) -> KindSpec:
    return KindSpec(
        kind,
        Money.COST,
        takes=_ENDS_AND_GRADES | {"status"},
        statuses=frozenset({"", Status.OUT_OF_USE}),
        status_refusal="Service work takes status out_of_use (open downtime) or none.",
        service=True,
        effect=service_recorded,
        end_effect=service_ended,
    )


KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            EventKind.ACQUISITION,
            Money.NONE,
            refusal="An acquisition is recorded when the article is added; add it as an article.",
        ),
        _usage(EventKind.RENTAL),
        _usage(EventKind.SUBSCRIPTION),
        _service(EventKind.MAINTENANCE),
        _service(EventKind.REPAIR),
        _service(EventKind.CLEANING),
        KindSpec(
            EventKind.INSPECTION,
            Money.COST,
            takes=frozenset({"condition"}),
            requires={"condition": "An inspection needs the grade it found."},
            effect=grade,
        ),
        KindSpec(
            EventKind.TRANSFER,
            Money.COST,
            takes=frozenset({"store"}),
            requires={"store": "A transfer needs the destination store."},
            effect=move,
        ),
        KindSpec(
            EventKind.STATUS_CHANGE,
            Money.NONE,
            takes=frozenset({"status"}),
            requires={"status": "A status change needs the target status."},
            statuses=frozenset(Status.values),
            status_refusal="{status!r} is not a status.",
            effect=status_changed,
        ),
        KindSpec(EventKind.INCOME, Money.BOTH, needs_amount="revenue"),
        KindSpec(EventKind.EXPENSE, Money.BOTH, needs_amount="cost", permission=CORRECT_LEDGER),
        KindSpec(
            EventKind.SALE,
            Money.BOTH,
            disposes_to=Status.SOLD,
            proceeds=True,
            permission=DISPOSE_ARTICLE,
            effect=disposes_to(Status.SOLD),
        ),
        KindSpec(
            EventKind.RETIREMENT,
            Money.COST,
            disposes_to=Status.RETIRED,
            permission=DISPOSE_ARTICLE,
            effect=disposes_to(Status.RETIRED),
        ),
        KindSpec(
            EventKind.LOSS,
            Money.BOTH,
            disposes_to=Status.LOST,
            permission=DISPOSE_ARTICLE,
            effect=disposes_to(Status.LOST),
        ),
        KindSpec(EventKind.ADJUSTMENT, Money.BOTH, negative=True, permission=CORRECT_LEDGER),
        KindSpec(EventKind.NOTE, Money.NONE),
    )
}


def _kinds(keep: Callable[[KindSpec], bool]) -> frozenset[EventKind]:
    return frozenset(spec.kind for spec in KINDS.values() if keep(spec))


USAGE_KINDS = _kinds(lambda spec: spec.usage)
SERVICE_KINDS = _kinds(lambda spec: spec.service)
# A disposal kind and the status it disposes to.
DISPOSAL_KINDS: dict[EventKind, Status] = {
    spec.kind: spec.disposes_to for spec in KINDS.values() if spec.disposes_to is not None
}
# Kinds whose revenue is sale proceeds (SPEC.md "Figures": ``sale_proceeds``), kept
# apart from the article's revenue.
PROCEEDS_KINDS = _kinds(lambda spec: spec.proceeds)
MONEYLESS_KINDS = _kinds(lambda spec: spec.money is Money.NONE)
# Kinds whose revenue and cost may be negative: corrections.
NEGATIVE_KINDS = _kinds(lambda spec: spec.negative)
