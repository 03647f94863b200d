"""The form that records one event of an article: the fields its kind takes
(``articles.kinds``), with the article's values as defaults, handed to the kind's
service (``articles.services``), which decides."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings

from articles import services
from articles.choices import EventKind, Status
from articles.forms import money_field
from articles.kinds import KINDS, KindSpec
from articles.models import Article, Event

from ._common import (
    Asker,
    condition_field,
    moment_field,
    notes_field,
    now_to_the_minute,
    short_moment,
)
from .offers import Situation, other_stores, status_targets

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
    EventKind.STATUS_CHANGE: {
        "status": ("New status", ""),
        "notes": ("Reason", "Why it changes; for an article found, where it turned up (optional)."),
    },
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
            add("condition", condition_field("", required=required, initial=article.condition))
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
        add("notes", notes_field(required=spec.kind == EventKind.NOTE))
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
