"""Which events an article offers on its page, and why it refuses the others.

``refusal`` reads the rules the services apply (``articles.rules``), so a button is
shown only where the service would accept the event; ``actions`` adds the user's
permissions (each kind's ``permission`` in ``articles.kinds``). The page is a little
stricter than the services in one place: service work, inspections and transfers are
offered only for articles in the fleet (active or out of use), since a sold, retired
or lost article is not at hand to work on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse

from articles import rules
from articles.choices import DISPOSED_STATUSES, TRANSITIONS, EventKind, Status
from articles.kinds import DISPOSE_ARTICLE, KINDS
from articles.models import Article, Event, Store

from ._common import Asker, label_of

# Where the page's wording for a status change differs from the status's own label.
STATUS_ACTION_LABELS: dict[tuple[str, str], str] = {
    (Status.ACTIVE, Status.OUT_OF_USE): "Take out of use",
    (Status.OUT_OF_USE, Status.ACTIVE): "Back in use",
    (Status.LOST, Status.ACTIVE): "Found",
}
# What the buttons of the other kinds say.
KIND_ACTION_LABELS: dict[str, str] = {
    EventKind.INSPECTION: "Record an inspection",
    EventKind.TRANSFER: "Move to another store",
    EventKind.STATUS_CHANGE: "Change status",
    EventKind.INCOME: "Record income",
    EventKind.EXPENSE: "Record an expense",
    EventKind.ADJUSTMENT: "Correct an amount",
    EventKind.SALE: "Sell",
    EventKind.RETIREMENT: "Retire",
    EventKind.LOSS: "Report lost",
    EventKind.NOTE: "Add a note",
}
IN_THE_FLEET = frozenset({Status.ACTIVE, Status.OUT_OF_USE})


@dataclass(frozen=True)
class Situation:
    """An article and what is open on it: what the page and the forms decide from."""

    article: Article
    open_usage: Event | None
    open_downtimes: tuple[Event, ...]

    @classmethod
    def of(cls, article: Article) -> "Situation":
        """Read what is open on ``article`` (two statements)."""
        return cls(
            article=article,
            open_usage=article.events.usages().open().first(),
            open_downtimes=tuple(article.events.open_downtimes().order_by("occurred_at", "pk")),
        )

    def downtimes_of(self, kind: str) -> list[Event]:
        return [event for event in self.open_downtimes if event.kind == kind]


# The groups of the article page's buttons, in order.
USAGE, SERVICE, WHERE, MONEY, DISPOSAL, NOTES = (
    "Usage",
    "Service",
    "Store and status",
    "Money",
    "Sale and disposal",
    "Notes",
)
GROUPS = (USAGE, SERVICE, WHERE, MONEY, DISPOSAL, NOTES)


@dataclass(frozen=True)
class Action:
    """A button of the article page: the form of one kind, or the end of one."""

    kind: str
    label: str
    group: str
    end: bool = False
    status: str = ""  # a status change's target, chosen in advance
    main: bool = False  # shown as a primary button

    def url(self, article: Article) -> str:
        query = {"kind": self.kind}
        if self.end:
            query["end"] = "1"
        if self.status:
            query["status"] = self.status
        return f"{reverse('articles:event_new', args=[article.number])}?{urlencode(query)}"


def status_targets(situation: Situation, user: Asker | None) -> list[tuple[str, str]]:
    """The statuses a status change may give the article, as (value, label): those of
    the lifecycle table, disposals only for users who may dispose of articles."""
    status = situation.article.status
    may_dispose = user is not None and user.has_perm(DISPOSE_ARTICLE)
    return [
        (target, STATUS_ACTION_LABELS.get((status, target), Status(target).label))
        for target in Status.values
        if target in TRANSITIONS[status] and (may_dispose or target not in DISPOSED_STATUSES)
    ]


def other_stores(article: Article) -> "QuerySet[Store]":
    """Where a transfer may take the article."""
    return Store.objects.exclude(pk=article.store_id).order_by("name")


def _refused(check: Callable[[], None]) -> str:
    """The message of a rule's refusal, or "" when it accepts."""
    try:
        check()
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _end_refusal(situation: Situation, kind: str) -> str:
    article, spec = situation.article, KINDS[kind]
    if spec.usage:
        usage = situation.open_usage
        if usage is None:
            return f"{article.number} is not on order; there is no {label_of(kind)} to end."
        if usage.kind != kind:
            return f"{article.number} is on {label_of(usage.kind)}, not on {label_of(kind)}."
        return ""
    if spec.service:
        if not situation.downtimes_of(kind):
            return f"{article.number} has no open {label_of(kind)} downtime to end."
        return ""
    return f"{rules.a_kind(kind)} has no end."


def refusal(
    situation: Situation, kind: str, *, end: bool = False, user: Asker | None = None
) -> str:
    """Why the article's state does not allow recording ``kind`` (or ending it, with
    ``end``) now, in a sentence; "" when it does. Who may record it is not asked
    here: that is the kind's permission."""
    article, spec = situation.article, KINDS[kind]
    status = article.status
    if end:
        return _end_refusal(situation, kind)
    if spec.refusal:
        return spec.refusal
    if spec.usage:
        return _refused(
            lambda: rules.check_usage_start(
                number=article.number, kind=kind, status=status, allocation=article.allocation
            )
        ) or _refused(lambda: rules.refuse_overlap(article.number, situation.open_usage))
    if spec.service or kind in (EventKind.INSPECTION, EventKind.TRANSFER):
        if status not in IN_THE_FLEET:
            return (
                f"{article.number} is {rules.status_label(status)}; "
                f"{rules.a_kind(kind).lower()} is recorded only for articles in the fleet."
            )
        if kind == EventKind.TRANSFER and not other_stores(article).exists():
            return f"{article.number} is in {article.store}, and there is no other store."
        return ""
    if kind == EventKind.STATUS_CHANGE:
        if not status_targets(situation, user):
            return f"{article.number} is {rules.status_label(status)}; its status cannot change."
        return ""
    if spec.disposes_to is not None:
        target = spec.disposes_to
        refused = _refused(
            lambda: rules.check_transition(number=article.number, status=status, target=target)
        )
        if not refused and target == Status.RETIRED:
            refused = _refused(
                lambda: rules.refuse_if_on_order(article.number, situation.open_usage, "retirement")
            )
        return refused
    return ""


def _may(user: Asker | None, kind: str) -> bool:
    return user is not None and user.has_perm(KINDS[kind].permission)


def actions(situation: Situation, user: Asker | None) -> list[Action]:
    """The buttons of the article page: every event the article's state and the
    user's permissions allow, the end of what is open first."""
    found: list[Action] = []
    usage = situation.open_usage
    if usage is not None and _may(user, usage.kind):
        found.append(Action(usage.kind, f"End {label_of(usage.kind)}", USAGE, end=True, main=True))
    for kind in sorted({event.kind for event in situation.open_downtimes}):
        if _may(user, kind):
            found.append(Action(kind, f"End {label_of(kind)}", SERVICE, end=True, main=True))
    for spec in KINDS.values():
        kind = spec.kind
        if not _may(user, kind) or refusal(situation, kind, user=user):
            continue
        if spec.usage:
            found.append(Action(kind, f"Start {label_of(kind)}", USAGE, main=True))
        elif spec.service:
            found.append(Action(kind, f"Record {label_of(kind)}", SERVICE))
        elif kind == EventKind.STATUS_CHANGE:
            found.extend(_status_actions(situation, user))
        else:
            found.append(Action(kind, KIND_ACTION_LABELS[kind], GROUP_OF_KIND[kind]))
    return found


GROUP_OF_KIND: dict[str, str] = {
    EventKind.INSPECTION: SERVICE,
    EventKind.TRANSFER: WHERE,
    EventKind.INCOME: MONEY,
    EventKind.EXPENSE: MONEY,
    EventKind.ADJUSTMENT: MONEY,
    EventKind.SALE: DISPOSAL,
    EventKind.RETIREMENT: DISPOSAL,
    EventKind.LOSS: DISPOSAL,
    EventKind.NOTE: NOTES,
}


def _status_actions(situation: Situation, user: Asker | None) -> list[Action]:
    """A button for each everyday status change (out of use, back in use, found);
    a user who may dispose also gets the form with every target."""
    status = situation.article.status
    targets = dict(status_targets(situation, user))
    found = [
        Action(EventKind.STATUS_CHANGE, label, WHERE, status=target)
        for (source, target), label in STATUS_ACTION_LABELS.items()
        if source == status and target in targets
    ]
    if len(targets) > len(found):
        label = KIND_ACTION_LABELS[EventKind.STATUS_CHANGE]
        found.append(Action(EventKind.STATUS_CHANGE, label, WHERE))
    return found
