"""The staff pages' forms that record one event of an article, and which of them an
article offers.

What a form asks for comes from the kind's entry in ``articles.kinds`` (the fields it
takes, the money it carries, whether it can stay open); what it does is one service
of ``articles.services``, which decides. What an article offers (``actions``) and why
it refuses a kind (``refusal``) read the same rules the services apply, so the page
shows a button only where the service would accept the event. The page is a little
stricter than the services in one place: service work, inspections and transfers are
offered only for articles in the fleet (active or out of use), since a sold, retired
or lost article is not at hand to work on.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone

from . import rules, services
from .choices import DISPOSED_STATUSES, TRANSITIONS, Condition, EventKind, Status
from .forms import add_service_error, money_field
from .kinds import DISPOSE_ARTICLE, KINDS, KindSpec
from .models import Article, Event, Store


class Asker(Protocol):
    """Who acts on the page: a user (or the anonymous one), asked for permissions."""

    def has_perm(self, perm: str, obj: Any = ...) -> bool: ...


__all__ = [
    "GROUPS",
    "Action",
    "DowntimeEndForm",
    "EventForm",
    "Situation",
    "UsageEndForm",
    "actions",
    "add_service_error",
    "refusal",
    "status_targets",
]

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


def short_moment(value: dt.datetime) -> str:
    """A moment as a message says it: "4 Dec 10:00", with the year when it is not this one."""
    local = timezone.localtime(value)
    same_year = local.year == timezone.localdate().year
    return formats.date_format(local, "j M H:i" if same_year else "j M Y H:i")


def label_of(kind: str) -> str:
    return KINDS[kind].label.lower()


# --- what an article offers ----------------------------------------------------------


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


# --- the form fields -----------------------------------------------------------------

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


def moment_field(label: str, *, required: bool, help_text: str = "") -> forms.DateTimeField:
    """A date and time typed in the installation's time zone (the browser's own picker)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT),
        input_formats=[MOMENT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
    )


def now_to_the_minute() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _notes_field(label: str = "Notes", *, required: bool = False, help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _condition_field(label: str, *, required: bool, initial: str, help_text: str = "") -> Any:
    choices = Condition.choices if required else [("", "(unchanged)"), *Condition.choices]
    return forms.ChoiceField(
        label=label, choices=choices, required=required, initial=initial, help_text=help_text
    )


# The words of each field, per kind where they differ: (label, help text).
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "usage": {
        "occurred_at": ("Starts", ""),
        "due_at": ("Due back", "Still out after this, it shows as overdue."),
        "ended_at": ("Returned", "Only for a usage that is already over; empty while it is out."),
        "revenue": ("Price charged", ""),
        "cost": ("Costs", "What this usage cost, if anything (delivery, a damage repair)."),
        "condition": ("Condition", "The grade it goes out in, or came back in when it is over."),
        "reference": ("Order reference", "The order number in the shop or booking system."),
    },
    "service": {
        "occurred_at": ("Started", ""),
        "due_at": ("Back in use by", "Planned end of the downtime."),
        "ended_at": ("Downtime ended", "Only for downtime that is already over."),
        "cost": ("Cost", "Parts and labour."),
        "condition": ("Condition after the work", ""),
        "reference": ("Work order", ""),
    },
    EventKind.INSPECTION: {"condition": ("Condition found", ""), "cost": ("Cost", "")},
    EventKind.TRANSFER: {"cost": ("Transport cost", ""), "store": ("Move to", "")},
    EventKind.STATUS_CHANGE: {"status": ("New status", ""), "notes": ("Reason", "")},
    EventKind.INCOME: {
        "revenue": ("Amount received", "A damage fee, a late fee, a charge."),
        "cost": ("Cost", "Only if the income came with a cost."),
    },
    EventKind.EXPENSE: {
        "cost": ("Amount spent", "A spare part, a repair bill."),
        "revenue": ("Revenue", "Only if the expense came with revenue."),
    },
    EventKind.ADJUSTMENT: {
        "revenue": ("Revenue correction", "Negative to take revenue back."),
        "cost": ("Cost correction", "Negative to take a cost back."),
        "notes": ("What it corrects", ""),
    },
    EventKind.SALE: {"revenue": ("Sale price", ""), "cost": ("Selling costs", "")},
    EventKind.RETIREMENT: {
        "cost": ("Disposal cost", ""),
        "notes": ("Why", "Scrapped, recycled or donated, and why."),
    },
    EventKind.LOSS: {
        "revenue": ("Recovered", "Insurance or a charge to the customer."),
        "cost": ("Cost", ""),
        "notes": ("What happened", ""),
    },
    EventKind.NOTE: {"notes": ("Note", "")},
}
DEFAULT_WORDS = {
    "occurred_at": ("When", ""),
    "reference": ("Reference", "An order or work-order number from another system."),
    "notes": ("Notes", ""),
    "revenue": ("Revenue", ""),
    "cost": ("Cost", ""),
}


def words(spec: KindSpec, field: str) -> tuple[str, str]:
    group = "usage" if spec.usage else "service" if spec.service else spec.kind
    return WORDS.get(group, {}).get(field) or DEFAULT_WORDS.get(field, (field, ""))


# --- recording an event ---------------------------------------------------------------


class EventForm(forms.Form):
    """One event of ``kind`` for the article of ``situation``: only the fields the
    kind takes (``articles.kinds``), with the article's values as defaults. ``save``
    hands the input to the kind's service."""

    def __init__(
        self,
        data: Any = None,
        *,
        situation: Situation,
        kind: str,
        user: Asker | None,
        status: str = "",
    ) -> None:
        super().__init__(data)
        self.situation, self.spec, self.user = situation, KINDS[kind], user
        spec, article = self.spec, situation.article
        fields: dict[str, forms.Field] = {}

        def add(name: str, field: forms.Field) -> None:
            label, help_text = words(spec, name)
            field.label, field.help_text = label, field.help_text or help_text
            fields[name] = field

        add("occurred_at", moment_field("", required=True))
        fields["occurred_at"].initial = now_to_the_minute()
        if spec.service:
            fields["downtime"] = forms.BooleanField(
                label="Takes it out of use (downtime)",
                required=False,
                help_text="Out of use from the start until you end the downtime.",
            )
        if spec.can_be_open:
            add("due_at", moment_field("", required=False))
            add("ended_at", moment_field("", required=False))
        for name in spec.money.fields:
            add(name, money_field(required=False, negative=spec.negative))
            fields[name].label = f"{fields[name].label} ({settings.CURRENCY})"
        if "condition" in spec.takes:
            required = "condition" in spec.requires
            add("condition", _condition_field("", required=required, initial=article.condition))
        if "store" in spec.takes:
            add(
                "store",
                forms.ModelChoiceField(
                    queryset=other_stores(article),
                    empty_label=None,
                ),
            )
        if spec.kind == EventKind.STATUS_CHANGE:
            targets = status_targets(situation, user)
            add("status", forms.ChoiceField(choices=targets))
            fields["status"].initial = status if status in dict(targets) else targets[0][0]
        if not self.finds_lost:
            add("reference", forms.CharField(required=False, max_length=100))
        add("notes", _notes_field(required=spec.kind == EventKind.NOTE))
        self.fields = fields

    @property
    def finds_lost(self) -> bool:
        """A status change of a lost article: found (or written off), with no reference."""
        return (
            self.spec.kind == EventKind.STATUS_CHANGE
            and self.situation.article.status == Status.LOST
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason_needed = self.spec.kind == EventKind.STATUS_CHANGE and not (
            self.finds_lost and data.get("status") == Status.ACTIVE
        )
        if reason_needed and not (data.get("notes") or "").strip():
            self.add_error("notes", "Say why the status changes.")
        return data

    def save(self, *, acting_user: services.User) -> Event:
        """Record the event through its service; a refusal raises ValidationError."""
        data = dict(self.cleaned_data)
        for name in ("revenue", "cost"):
            data[name] = data.get(name) or services.ZERO
        common: dict[str, Any] = {
            "article": self.situation.article,
            "occurred_at": data["occurred_at"],
            "notes": data.get("notes", ""),
            "acting_user": acting_user,
        }
        if not self.finds_lost:
            common["reference"] = data.get("reference", "")
        return recorder_of(self.spec)(data, common)

    def done(self, event: Event) -> str:
        """What the success message says."""
        return done_message(event, self.situation.article)


# How each kind's input reaches its service: (the form's cleaned data, the arguments
# every service takes) -> the event recorded.
Recorder = Callable[[dict[str, Any], dict[str, Any]], Event]


def _usage_start(data: dict[str, Any], common: dict[str, Any]) -> Event:
    return services.usage_start(
        kind=data["kind"],
        started_at=common.pop("occurred_at"),
        ended_at=data.get("ended_at"),
        due_at=data.get("due_at"),
        revenue=data["revenue"],
        cost=data["cost"],
        condition=data.get("condition", ""),
        **common,
    )


def _service_record(data: dict[str, Any], common: dict[str, Any]) -> Event:
    return services.service_record(
        kind=data["kind"],
        downtime=data.get("downtime", False),
        ended_at=data.get("ended_at"),
        due_at=data.get("due_at"),
        cost=data["cost"],
        condition=data.get("condition", ""),
        **common,
    )


def _status_change(data: dict[str, Any], common: dict[str, Any]) -> Event:
    if common["article"].status == Status.LOST and data["status"] == Status.ACTIVE:
        return services.article_found(**common)
    return services.article_status_change(status=data["status"], **common)


def _money_record(data: dict[str, Any], common: dict[str, Any]) -> Event:
    return services.money_record(
        kind=data["kind"], revenue=data["revenue"], cost=data["cost"], **common
    )


RECORDERS: dict[str, Recorder] = {
    EventKind.INSPECTION: lambda data, common: services.inspection_record(
        condition=data["condition"], cost=data["cost"], **common
    ),
    EventKind.TRANSFER: lambda data, common: services.article_transfer(
        store=data["store"], cost=data["cost"], **common
    ),
    EventKind.STATUS_CHANGE: _status_change,
    EventKind.INCOME: _money_record,
    EventKind.EXPENSE: _money_record,
    EventKind.ADJUSTMENT: _money_record,
    EventKind.SALE: lambda data, common: services.article_sell(
        price=data["revenue"], cost=data["cost"], **common
    ),
    EventKind.RETIREMENT: lambda data, common: services.article_retire(cost=data["cost"], **common),
    EventKind.LOSS: lambda data, common: services.article_report_lost(
        revenue=data["revenue"], cost=data["cost"], **common
    ),
    EventKind.NOTE: lambda data, common: services.note_record(**common),
}


def recorder_of(spec: KindSpec) -> Recorder:
    """The service call that records a ``spec.kind`` event from the form's data."""
    recorder: Recorder
    if spec.usage:
        recorder = _usage_start
    elif spec.service:
        recorder = _service_record
    else:
        recorder = RECORDERS[spec.kind]

    def record(data: dict[str, Any], common: dict[str, Any]) -> Event:
        return recorder({**data, "kind": spec.kind}, common)

    return record


def done_message(event: Event, article: Article) -> str:
    """The sentence shown after an event was recorded: "Rental started; due back 4 Dec 10:00"."""
    article.refresh_from_db(fields=["status", "condition", "store"])
    kind = event.kind
    label = KINDS[kind].label
    if event.kind in (EventKind.RENTAL, EventKind.SUBSCRIPTION):
        if event.ended_at is not None:
            return f"{label} recorded, {short_moment(event.occurred_at)} to {short_moment(event.ended_at)}."
        due = f"; due back {short_moment(event.due_at)}" if event.due_at else ""
        return f"{label} started{due}."
    if KINDS[kind].service:
        if event.downtime and event.ended_at is None:
            planned = f" (planned: {short_moment(event.due_at)})" if event.due_at else ""
            return f"{label} recorded; {article.number} is out of use until it ends{planned}."
        return f"{label} recorded."
    sentences: dict[str, str] = {
        EventKind.INSPECTION: f"Inspection recorded; condition {article.get_condition_display().lower()}.",
        EventKind.TRANSFER: f"{article.number} moved to {article.store}.",
        EventKind.STATUS_CHANGE: f"{article.number} is now {article.get_status_display().lower()}.",
        EventKind.SALE: f"{article.number} is sold.",
        EventKind.RETIREMENT: f"{article.number} is retired.",
        EventKind.LOSS: f"{article.number} is reported lost.",
        EventKind.NOTE: "Note added.",
    }
    return sentences.get(kind, f"{label} recorded.")


# --- ending what is open -------------------------------------------------------------


class UsageEndForm(forms.Form):
    """The return of the open rental or subscription (``services.usage_end``)."""

    ended_at = moment_field("Returned", required=True)
    condition = forms.ChoiceField(label="Condition it came back in", choices=Condition.choices)
    revenue = money_field(label=f"Price in all ({settings.CURRENCY})", required=False)
    cost = money_field(label=f"Costs in all ({settings.CURRENCY})", required=False)
    notes = _notes_field(help_text="Kept as a note with the order reference.")

    def __init__(self, data: Any = None, *, situation: Situation, sees_money: bool) -> None:
        super().__init__(data)
        usage = situation.open_usage
        assert usage is not None  # the view checks ``refusal`` first
        self.situation, self.event = situation, usage
        self.fields["ended_at"].initial = max(now_to_the_minute(), usage.occurred_at)
        self.fields["condition"].initial = usage.condition or situation.article.condition
        recorded = (
            f" ({usage.revenue:,.2f} and {usage.cost:,.2f} were recorded at the start)"
            if sees_money
            else ""
        )
        self.fields["revenue"].help_text = (
            f"Empty: as recorded at the start{recorded}. A different amount is kept as "
            "an income or a correction."
        )
        self.fields["cost"].help_text = "Empty: as recorded at the start."

    def save(self, *, acting_user: services.User) -> Event:
        data = self.cleaned_data
        return services.usage_end(
            article=self.situation.article,
            ended_at=data["ended_at"],
            revenue=data.get("revenue"),
            cost=data.get("cost"),
            condition=data["condition"],
            notes=data.get("notes", ""),
            acting_user=acting_user,
        )

    def done(self, event: Event) -> str:
        article = self.situation.article
        article.refresh_from_db(fields=["condition"])
        return (
            f"{event.get_kind_display()} ended at {short_moment(event.ended_at or event.occurred_at)}; "
            f"{article.number} is back in {article.get_condition_display().lower()} condition."
        )


def _downtime_label(event: Event) -> str:
    reference = f" ({event.reference})" if event.reference else ""
    return f"{event.get_kind_display()} since {short_moment(event.occurred_at)}{reference}"


class DowntimeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Event) -> str:
        return _downtime_label(obj)


class DowntimeEndForm(forms.Form):
    """The end of an open downtime of one kind (``services.service_end``); with more
    than one open, the form asks which."""

    downtime = DowntimeChoiceField(
        label="Which downtime", queryset=Event.objects.none(), empty_label=None
    )
    ended_at = moment_field("Ended", required=True)
    condition = forms.ChoiceField(label="Condition after the work", choices=Condition.choices)
    cost = money_field(label=f"Cost in all ({settings.CURRENCY})", required=False)
    notes = _notes_field(help_text="Kept as a note with the work order.")

    def __init__(self, data: Any = None, *, situation: Situation, kind: str) -> None:
        super().__init__(data)
        open_ones = situation.downtimes_of(kind)
        self.situation = situation
        field = self.fields["downtime"]
        assert isinstance(field, DowntimeChoiceField)
        field.queryset = Event.objects.filter(pk__in=[event.pk for event in open_ones])
        field.initial = open_ones[0].pk
        if len(open_ones) == 1:
            field.widget = forms.HiddenInput()
        first = open_ones[0]
        self.fields["ended_at"].initial = max(now_to_the_minute(), first.occurred_at)
        self.fields["condition"].initial = first.condition or situation.article.condition
        self.fields["cost"].help_text = (
            "Empty: as recorded at the start. A different amount is kept as an expense "
            "or a correction."
        )

    def save(self, *, acting_user: services.User) -> Event:
        data = self.cleaned_data
        return services.service_end(
            event=data["downtime"],
            ended_at=data["ended_at"],
            cost=data.get("cost"),
            condition=data["condition"],
            notes=data.get("notes", ""),
            acting_user=acting_user,
        )

    def done(self, event: Event) -> str:
        article = self.situation.article
        article.refresh_from_db(fields=["status"])
        state = (
            "back in use"
            if article.status == Status.ACTIVE
            else f"still {article.get_status_display().lower()}"
        )
        return f"{event.get_kind_display()} finished; {article.number} is {state}."


def open_descriptions(events: Iterable[Event]) -> list[str]:
    """Each open downtime in a phrase: "Repair since 3 May 10:00 (WO-7)"."""
    return [_downtime_label(event) for event in events]
