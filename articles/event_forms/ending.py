"""The forms that end what is open on an article: the return of its rental or
subscription (``services.usage_end``) and the end of a downtime (``services.service_end``)."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings

from articles import services
from articles.choices import Condition, Status
from articles.forms import money_field
from articles.models import Event

from ._common import moment_field, notes_field, now_to_the_minute, short_moment
from .offers import Situation


class UsageEndForm(forms.Form):
    """The return of the open rental or subscription (``services.usage_end``)."""

    ended_at = moment_field("Returned", required=True)
    condition = forms.ChoiceField(label="Condition it came back in", choices=Condition.choices)
    revenue = money_field(label=f"Price in all ({settings.CURRENCY})", required=False)
    cost = money_field(label=f"Costs in all ({settings.CURRENCY})", required=False)
    notes = notes_field(help_text="Kept as a note with the order reference.")

    def __init__(self, data: Any = None, *, situation: Situation, sees_money: bool) -> None:
        super().__init__(data)
        usage = situation.open_usage
        assert usage is not None  # the view checks ``refusal`` first
        self.situation, self.event = situation, usage
        self.fields["ended_at"].initial = max(now_to_the_minute(), usage.occurred_at)
        self.fields["condition"].initial = usage.condition or situation.article.condition

        def recorded(amount: Decimal) -> str:
            return f" ({amount:,.2f} {settings.CURRENCY})" if sees_money else ""

        self.fields["revenue"].help_text = (
            f"Empty: as recorded at the start{recorded(usage.revenue)}. A different amount "
            "is kept as an income or a correction."
        )
        self.fields["cost"].help_text = (
            f"Empty: as recorded at the start{recorded(usage.cost)}. A different amount "
            "is kept as an expense or a correction."
        )

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
    notes = notes_field(help_text="Kept as a note with the work order.")

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
