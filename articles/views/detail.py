"""One article's page: every field, its specifications merged with its SKU's, where it
is and whether it is out, its figures in words with the chart of its running net
against its price (for those who see money), its history newest first, and a button
for every event its state and the user's permissions allow.

The page runs a fixed handful of statements whatever the length of the history: the
article, what is open on it, one page of history, the figures (``article_figures``)
and the running net per day, summed in the database.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.views.generic import TemplateView

from articles import rules
from articles.event_forms import GROUPS, Action, Situation, actions
from articles.kinds import KINDS, PROCEEDS_KINDS, SERVICE_KINDS
from articles.models import Article, Event, EventKind, Status
from articles.services import start_of_day
from reports.figures import FIGURES, article_figures

from .found import article_or_404

HISTORY_PER_PAGE = 25
# Events that are nothing but money: their notes speak of amounts.
MONEY_ONLY_KINDS = frozenset({EventKind.INCOME, EventKind.EXPENSE, EventKind.ADJUSTMENT})
CENT = Decimal("0.01")
# The figures shown beside the sentence, in this order (labels from the declarations).
SHOWN_FIGURES = (
    "revenue",
    "expenses",
    "net",
    "payback_ratio",
    "paid_back_on",
    "usage_count",
    "usage_days",
    "owned_days",
    "utilization",
    "dollar_utilization",
    "sale_proceeds",
    "lifetime_profit",
    "estimated_value",
)


# --- figures -------------------------------------------------------------------------


def money_text(amount: Decimal) -> str:
    return f"{amount.quantize(CENT):,} {settings.CURRENCY}"


def figure_text(name: str, value: Any) -> str:
    """A figure as a manager reads it: money with its currency, shares in per cent,
    days to one place, a ratio as "1.30 ×"."""
    if value is None:
        return "—"
    kind = FIGURES[name].kind
    if kind == "money":
        return money_text(value)
    if kind == "date":
        return formats.date_format(value, "j M Y")
    if name == "utilization":
        return f"{value * 100:.0f} %"
    if name in ("payback_ratio", "dollar_utilization"):
        return f"{value:.2f} ×"
    if kind == "fraction":
        return f"{value:,.1f}"
    return f"{value:,}"


def figures_sentence(row: dict[str, Any], price: Decimal) -> str:
    """The figures in a sentence: "Revenue so far 1,240.00 EUR; net 310.00 EUR after
    costs of 930.00 EUR; paid back 0.31 times its price; in use 42 % of its 730 days"."""
    parts = [
        f"Revenue so far {money_text(row['revenue'])}",
        f"net {money_text(row['net'])} after costs of {money_text(row['expenses'])}",
    ]
    ratio = row["payback_ratio"]
    if ratio is None:
        parts.append("no purchase price to pay back")
    elif ratio >= 1:
        since = row["paid_back_on"]
        day = f" (paid back on {formats.date_format(since, 'j M Y')})" if since else ""
        parts.append(f"paid back {ratio:.1f} times its price of {money_text(price)}{day}")
    else:
        share = max(ratio, Decimal("0")) * 100
        parts.append(f"{share:.0f} % of its price of {money_text(price)} paid back so far")
    parts.append(
        f"in use {row['utilization'] * 100:.0f} % of its {row['owned_days']:,.0f} days "
        f"({row['usage_count']} {'use' if row['usage_count'] == 1 else 'uses'})"
    )
    if row["sale_proceeds"]:
        parts.append(
            f"sold for {money_text(row['sale_proceeds'])}, a lifetime profit of "
            f"{money_text(row['lifetime_profit'])}"
        )
    return "; ".join(parts) + "."


def running_net(
    article: Article, *, as_of: dt.date, until: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """The article's net (revenue but sale proceeds, minus every cost; SPEC.md
    "Figures") of its events up to ``as_of``, cumulated day by day in the
    installation's time zone: a point at the purchase, one per day with events, and
    one at ``until`` (today, or the day it was disposed of) when that is later."""
    zone = timezone.get_current_timezone()
    money: DecimalField = DecimalField(max_digits=14, decimal_places=2)
    days = (
        article.events.filter(occurred_at__lt=start_of_day(as_of + dt.timedelta(days=1)))
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day")
        .annotate(
            revenue=Sum(
                Case(
                    When(kind__in=PROCEEDS_KINDS, then=Value(Decimal("0"))),
                    default=F("revenue"),
                    output_field=money,
                )
            ),
            cost=Sum("cost", output_field=money),
        )
        .order_by("day")
    )
    net = Decimal("0")
    points: list[tuple[dt.date, Decimal]] = [(article.purchased_on, net)]
    for day in days:
        net += Decimal(day["revenue"] or 0).quantize(CENT) - Decimal(day["cost"] or 0).quantize(
            CENT
        )
        when = max(day["day"], article.purchased_on)
        if points[-1][0] == when:
            points[-1] = (when, net)
        else:
            points.append((when, net))
    if points[-1][0] < until:
        points.append((until, net))
    return points


def chart_data(article: Article, points: list[tuple[dt.date, Decimal]]) -> dict[str, Any]:
    """What ``static/js/payback.js`` draws: days as milliseconds since 1970 (UTC
    midnights), amounts as numbers."""
    epoch = dt.date(1970, 1, 1)
    return {
        "points": [{"x": (day - epoch).days * 86_400_000, "y": float(net)} for day, net in points],
        "price": float(article.purchase_price),
        "titles": {
            "net": f"{FIGURES['net'].label} so far",
            "price": "Purchase price",
            "money": settings.CURRENCY,
        },
    }


# --- history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One event as the history shows it."""

    event: Event
    label: str
    details: list[str]
    notes: str
    amounts: list[str]
    open: bool
    overdue: bool


def moment_text(value: dt.datetime) -> str:
    return rules.format_moment(value)


def history_entry(event: Event, *, now: dt.datetime, sees_money: bool) -> HistoryEntry:
    """What ``event`` did, in phrases: where it moved the article, the status and
    grade it gave, its reference and times; its money apart (``sees_money``). The
    notes of an event that is only money (income, expense, adjustment) are about its
    amounts (those written when a return named another amount quote both), so only
    money users read them."""
    spec = KINDS[event.kind]
    details: list[str] = []
    if event.kind == "transfer" and event.store is not None:
        details.append(f"to {event.store.name}")
    if event.kind == "status_change" and event.status:
        details.append(f"set to {Status(event.status).label.lower()}")
    if event.kind in SERVICE_KINDS and event.downtime:
        took_out = " (took it out of use)" if event.status == Status.OUT_OF_USE else ""
        details.append(f"with downtime{took_out}")
    if event.ended_at is not None and (spec.usage or event.downtime):
        details.append(f"until {moment_text(event.ended_at)}")
    if event.condition:
        details.append(f"condition {event.get_condition_display().lower()}")
    if event.due_at is not None and (spec.usage or event.downtime):
        details.append(f"due {moment_text(event.due_at)}")
    if event.reference:
        details.append(f"reference {event.reference}")
    amounts = []
    if event.revenue:
        what = "sale price" if event.kind in PROCEEDS_KINDS else "revenue"
        amounts.append(f"{what} {money_text(event.revenue)}")
    if event.cost:
        amounts.append(f"cost {money_text(event.cost)}")
    is_open = event.is_open
    return HistoryEntry(
        event=event,
        label=spec.label,
        details=details,
        notes=event.notes if sees_money or event.kind not in MONEY_ONLY_KINDS else "",
        amounts=amounts if sees_money else [],
        open=is_open,
        overdue=is_open and event.due_at is not None and event.due_at < now,
    )


# --- the page ---------------------------------------------------------------------------


def merged_specifications(article: Article) -> list[dict[str, Any]]:
    """The SKU's specifications with the article's own over them, each saying where
    its value comes from."""
    own = article.specifications or {}
    shared = article.sku.specifications or {}
    rows = []
    for key, value in article.merged_specifications.items():
        if key not in own:
            source = "from the SKU"
        elif key in shared and shared[key] != value:
            source = f"this article's own; the SKU says {shared[key]}"
        else:
            source = "this article's own"
        rows.append({"key": key, "value": str(value), "source": source, "own": key in own})
    return sorted(rows, key=lambda row: row["key"].lower())


def action_groups(article: Article, found: list[Action]) -> list[tuple[str, list[dict]]]:
    """The page's buttons by group, in the groups' order, each with its address."""
    return [
        (
            group,
            [
                {"label": action.label, "url": action.url(article), "main": action.main}
                for action in found
                if action.group == group
            ],
        )
        for group in GROUPS
        if any(action.group == group for action in found)
    ]


class ArticleDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """``/articles/<number>/``: the article, what it has earned, its history and what
    can be recorded for it now."""

    permission_required = "articles.view_article"
    template_name = "articles/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        article = article_or_404(kwargs["number"])
        user = self.request.user
        sees_money = user.has_perm("articles.view_money")
        situation = Situation.of(article)
        now = timezone.now()
        history = article.events.select_related("store").order_by("-occurred_at", "-pk")
        page = Paginator(history, HISTORY_PER_PAGE).get_page(self.request.GET.get("page"))
        context = super().get_context_data(
            article=article,
            sees_money=sees_money,
            open_usage=situation.open_usage,
            usage_overdue=bool(situation.open_usage and situation.open_usage.is_overdue),
            open_downtimes=[
                history_entry(event, now=now, sees_money=sees_money)
                for event in situation.open_downtimes
            ],
            specifications=merged_specifications(article),
            action_groups=action_groups(article, actions(situation, user)),
            can_edit=user.has_perm("articles.change_article"),
            can_label=user.has_perm("articles.view_article"),
            page=page,
            history=[
                history_entry(event, now=now, sees_money=sees_money) for event in page.object_list
            ],
            **kwargs,
        )
        if sees_money:
            context.update(self.money_context(article))
        return context

    def money_context(self, article: Article) -> dict[str, Any]:
        today = timezone.localdate()
        rows = article_figures(as_of=today, articles=Article.objects.filter(pk=article.pk))
        if not rows:  # bought after today: no figures yet
            return {"figures": None, "purchase_price": money_text(article.purchase_price)}
        row = rows[0]
        last_day = today
        if article.disposed_at is not None:
            last_day = min(today, timezone.localdate(article.disposed_at))
        return {
            "purchase_price": money_text(article.purchase_price),
            "figures": [
                {"label": FIGURES[name].label, "value": figure_text(name, row[name])}
                for name in SHOWN_FIGURES
            ],
            "figures_sentence": figures_sentence(row, article.purchase_price),
            "chart": chart_data(article, running_net(article, as_of=today, until=last_day)),
        }
