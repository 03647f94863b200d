"""A deliberately naive reading of SPEC.md's per-article figures, written straight
from the text: it loads each article's events into Python and adds them up one by one.

It is far too slow for a report, which is the point: it shares no code with
``reports.figures``, so agreeing with it on a whole demo fleet is evidence that the
SQL computes what the SPEC says.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from articles.models import Article, EventKind

USAGE = {EventKind.RENTAL, EventKind.SUBSCRIPTION}
FACTORS = {
    "new": Decimal("1.00"),
    "like_new": Decimal("0.85"),
    "good": Decimal("0.70"),
    "fair": Decimal("0.50"),
    "poor": Decimal("0.25"),
}
DAY = Decimal(86400)


def instant(day: dt.date) -> dt.datetime:
    """The instant ``day`` begins locally, in UTC: Python subtracts two times of one
    zone by their wall clocks, which across a change of daylight saving time is an
    hour off the real elapsed time that SPEC.md counts."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).astimezone(dt.UTC)


def seconds(delta: dt.timedelta) -> Decimal:
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6


DISPOSED = {"sold", "retired", "lost"}
DISPOSES_TO = {EventKind.SALE: "sold", EventKind.RETIREMENT: "retired", EventKind.LOSS: "lost"}
SERVICE = {EventKind.MAINTENANCE, EventKind.REPAIR, EventKind.CLEANING}


def state_at(article: Article, T: dt.datetime) -> dict:
    """Status, condition, store and disposed_at at T, replaying the ledger's effects in
    the order they took place (a usage's or downtime's end at ``ended_at``, up to T)."""
    state = {
        "status": article.status,
        "condition": article.condition,
        "store_id": article.store_id,
        "disposed_at": article.disposed_at,
    }
    events = list(article.events.all())
    effects = []
    for e in events:
        if e.occurred_at < T:
            effects.append((e.occurred_at, e.pk, "start", e))
        ends = e.kind in USAGE or (e.kind in SERVICE and e.downtime)
        if ends and e.ended_at is not None and e.ended_at <= T:
            effects.append((e.ended_at, e.pk, "end", e))
    if any(e.kind == EventKind.ACQUISITION and e.occurred_at < T for e in events):
        state["disposed_at"] = None

    def becomes(status, moment):
        if status in DISPOSED:
            if not (state["status"] == "lost" and state["disposed_at"] is not None):
                state["disposed_at"] = moment
        else:
            state["disposed_at"] = None
        state["status"] = status

    for moment, _, what, e in sorted(effects, key=lambda item: item[:2]):
        held = e.kind in SERVICE and e.status == "out_of_use"
        if what == "end":
            if e.condition:
                state["condition"] = e.condition
            still_down = any(
                o.pk != e.pk
                and o.kind in SERVICE
                and o.status == "out_of_use"
                and o.occurred_at < moment
                and (o.ended_at is None or o.ended_at > moment)
                for o in events
            )
            if held and state["status"] == "out_of_use" and not still_down:
                state["status"] = "active"
        elif e.kind == EventKind.ACQUISITION:
            state["status"] = e.status or "active"
            state["condition"] = e.condition or state["condition"]
            state["store_id"] = e.store_id or state["store_id"]
        elif e.kind == EventKind.INSPECTION or (e.kind in SERVICE and not e.downtime):
            state["condition"] = e.condition or state["condition"]
        elif held and state["status"] == "active":
            state["status"] = "out_of_use"
        elif e.kind == EventKind.TRANSFER:
            state["store_id"] = e.store_id
        elif e.kind == EventKind.STATUS_CHANGE:
            becomes(e.status, moment)
        elif e.kind in DISPOSES_TO:
            becomes(DISPOSES_TO[e.kind], moment)
    return state


def article_figures_by_hand(article: Article, as_of: dt.date) -> dict:
    T = instant(as_of + dt.timedelta(days=1))
    P = instant(article.purchased_on)
    state = state_at(article, T)
    disposed_at = state["disposed_at"] if state["status"] in DISPOSED else None
    E = min(disposed_at, T) if disposed_at else T
    events = sorted(
        (e for e in article.events.all() if e.occurred_at < T), key=lambda e: (e.occurred_at, e.pk)
    )
    price = article.purchase_price
    usage_seconds = Decimal(0)
    for event in events:
        if event.kind in USAGE:
            start = max(event.occurred_at, P)
            end = min(event.ended_at or T, E)
            if end > start:
                usage_seconds += seconds(end - start)
    owned = max(Decimal(0), seconds(E - P))
    revenue = sum((e.revenue for e in events if e.kind != EventKind.SALE), Decimal(0))
    expenses = sum((e.cost for e in events), Decimal(0))
    net = revenue - expenses
    sale_proceeds = sum((e.revenue for e in events if e.kind == EventKind.SALE), Decimal(0))
    paid_back_on, running = None, Decimal(0)
    if price > 0:
        for event in events:
            running += (event.revenue if event.kind != EventKind.SALE else 0) - event.cost
            if running >= price:
                paid_back_on = timezone.localdate(event.occurred_at)
                break
    year_ago = T - dt.timedelta(days=365)
    last_year = sum(
        (e.revenue for e in events if e.occurred_at >= year_ago and e.kind != EventKind.SALE),
        Decimal(0),
    )
    age = max(Decimal(0), seconds(T - P) / DAY)
    rate = article.sku.effective_depreciation_rate
    value = (
        Decimal(0)
        if disposed_at is not None
        else price * (1 - Decimal(rate)) ** (age / 365) * FACTORS[state["condition"]]
    )
    return {
        "number": article.number,
        "state": state,
        "disposed_at": disposed_at,
        "usage_count": sum(1 for e in events if e.kind in USAGE),
        "usage_days": usage_seconds / DAY,
        "owned_days": owned / DAY,
        "utilization": usage_seconds / owned if owned else Decimal(0),
        "revenue": revenue,
        "expenses": expenses,
        "net": net,
        "payback_ratio": net / price if price else None,
        "paid_back_on": paid_back_on,
        "sale_proceeds": sale_proceeds,
        "lifetime_profit": net + sale_proceeds - price,
        "dollar_utilization": last_year / price if price else None,
        "estimated_value": value,
    }


def median(values: list) -> Decimal | None:
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return Decimal(values[middle])
    return (Decimal(values[middle - 1]) + Decimal(values[middle])) / 2


def kaplan_meier_median(lifetimes: list[tuple[Decimal, bool]]) -> Decimal | None:
    """S(t) = Π (1 - d_i / n_i) over the distinct disposal times, in exact fractions."""
    from fractions import Fraction

    survival = Fraction(1)
    for t in sorted({time for time, disposed in lifetimes if disposed}):
        deaths = sum(1 for time, disposed in lifetimes if disposed and time == t)
        at_risk = sum(1 for time, _ in lifetimes if time >= t)
        survival *= 1 - Fraction(deaths, at_risk)
        if survival <= Fraction(1, 2):
            return t
    return None


def peak_on_order(articles: list[Article], start: dt.datetime, end: dt.datetime) -> int:
    """The most usages open at one instant of [start, end), by trying every instant at
    which the count can change."""
    intervals = [
        (event.occurred_at, event.ended_at)
        for article in articles
        for event in article.events.all()
        if event.kind in USAGE and event.occurred_at < end
    ]
    instants = {start} | {s for s, _ in intervals if start <= s < end}
    instants |= {e for _, e in intervals if e is not None and start <= e < end}

    def open_at(moment):
        return sum(1 for s, e in intervals if s <= moment and (e is None or e > moment))

    return max(open_at(moment) for moment in instants)


def bought_by(articles: list[Article], as_of: dt.date) -> list[Article]:
    """An article purchased after D is in no report as of D."""
    return [article for article in articles if article.purchased_on <= as_of]


def sku_figures_by_hand(sku, articles: list[Article], as_of: dt.date, window_days: int) -> dict:
    T = instant(as_of + dt.timedelta(days=1))
    articles = bought_by(articles, as_of)
    rows = [article_figures_by_hand(article, as_of) for article in articles]
    disposed = [
        (article, row)
        for article, row in zip(articles, rows, strict=True)
        if row["disposed_at"] is not None
    ]
    lifetimes = {
        article.number: seconds(row["disposed_at"] - instant(article.purchased_on)) / DAY
        for article, row in disposed
    }
    km = [
        (lifetimes[row["number"]], True)
        if row["number"] in lifetimes
        else (row["owned_days"], False)
        for row in rows
    ]
    owned = [row for row in rows if row["owned_days"] > 0]
    peak = peak_on_order(articles, T - dt.timedelta(days=window_days), T)
    status = {row["number"]: row["state"]["status"] for row in rows}
    active_rental = sum(
        1 for a in articles if status[a.number] == "active" and a.allocation == "rental"
    )
    on_order = sum(
        1
        for article in articles
        if status[article.number] == "active"
        and any(
            e.kind in USAGE and e.occurred_at < T and (e.ended_at is None or e.ended_at > T)
            for e in article.events.all()
        )
    )
    revenue = sum((row["revenue"] for row in rows), Decimal(0))
    return {
        "sku_code": sku.code,
        "sku_name": sku.name,
        "articles": len(articles),
        **{
            name: sum(1 for a in articles if status[a.number] == name)
            for name in ("active", "out_of_use", "lost", "sold", "retired")
        },
        "on_order": on_order,
        "revenue": revenue,
        "expenses": sum((row["expenses"] for row in rows), Decimal(0)),
        "net": sum((row["net"] for row in rows), Decimal(0)),
        "purchase_total": sum((a.purchase_price for a in articles), Decimal(0)),
        "revenue_per_article": revenue / len(articles) if articles else None,
        "mean_utilization": (
            sum(row["utilization"] for row in owned) / len(owned) if owned else None
        ),
        "disposed": len(disposed),
        "median_lifetime_days": median(list(lifetimes.values())),
        "median_uses_at_disposal": median([row["usage_count"] for _, row in disposed]),
        "km_median_lifetime_days": kaplan_meier_median(km),
        "peak_on_order": peak,
        "surplus": max(0, active_rental - peak - 1),
    }


CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Money derived by arithmetic is taken to the cent before it is used again, so that
    the figures shown add up (value_loss = shown value now - shown value later)."""
    from decimal import ROUND_HALF_UP

    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def estimated_value(article: Article, condition: str, rate: Decimal, at: dt.datetime) -> Decimal:
    age = max(Decimal(0), seconds(at - instant(article.purchased_on)) / DAY)
    return cents(article.purchase_price * (1 - Decimal(rate)) ** (age / 365) * FACTORS[condition])


def usage_seconds_between(article: Article, start: dt.datetime, end: dt.datetime, T) -> Decimal:
    """Usage intervals (an open one reaching to T) clipped to [start, end)."""
    total = Decimal(0)
    for e in article.events.all():
        if e.kind in USAGE and e.occurred_at < T:
            low, high = max(e.occurred_at, start), min(e.ended_at or T, T, end)
            if high > low:
                total += seconds(high - low)
    return total


def selloff_by_hand(sku, articles: list[Article], as_of: dt.date, window_days: int) -> list[dict]:
    """SPEC.md "Sell-off candidates" for one SKU, read literally."""
    T = instant(as_of + dt.timedelta(days=1))
    W = dt.timedelta(days=window_days)
    rate = Decimal(sku.effective_depreciation_rate)
    articles = bought_by(articles, as_of)
    figures = {a.number: article_figures_by_hand(a, as_of) for a in articles}
    sku_row = sku_figures_by_hand(sku, articles, as_of, window_days)

    bought = [a for a in articles if a.purchased_on <= as_of]
    if sku.replacement_price is not None:
        replacement = sku.replacement_price
    elif bought:
        latest = max(a.purchased_on for a in bought)
        replacement = max(a.purchase_price for a in bought if a.purchased_on == latest)
    else:
        replacement = None
    hurdle = sku.renewal_hurdle
    if hurdle is None and replacement is not None:
        hurdle = cents(replacement * Decimal("0.10"))

    def net_between(article, start, end):
        return sum(
            (
                e.revenue - e.cost
                for e in article.events.all()
                if start <= e.occurred_at < end and e.kind != EventKind.SALE
            ),
            Decimal(0),
        )

    whole_window = [
        a
        for a in articles
        if a.allocation == "rental" and figures[a.number]["owned_days"] >= window_days
    ]
    per_day = []
    for a in whole_window:
        P = instant(a.purchased_on)
        used = usage_seconds_between(a, P, P + W, T)
        if used > 0:
            per_day.append(net_between(a, P, P + W) / (used / DAY))
    net_per_day = median(per_day)
    new_loss = None
    if replacement is not None:
        new_loss = replacement * (1 - (1 - rate) ** (Decimal(window_days) / 365))

    considered = []
    for article in whole_window:
        state = figures[article.number]["state"]
        if state["status"] not in ("active", "out_of_use"):
            continue
        trailing = net_between(article, T - W, T)
        condition = state["condition"]
        value_loss = estimated_value(article, condition, rate, T) - estimated_value(
            article, condition, rate, T + W
        )
        keep = trailing - value_loss
        used = usage_seconds_between(article, max(T - W, instant(article.purchased_on)), T, T)
        challenger = None
        if net_per_day is not None and new_loss is not None:
            challenger = cents(net_per_day * used / DAY - new_loss)
        considered.append(
            {
                "number": article.number,
                "article": article,
                "condition": condition,
                "keep_margin": keep,
                "trailing_net": trailing,
                "value_loss": value_loss,
                "window_usage_days": used / DAY,
                "challenger_margin": challenger,
                "renewal_gain": None if challenger is None else challenger - keep,
            }
        )
    surplus = sku_row["surplus"]
    weakest = {
        row["number"]
        for row in sorted(considered, key=lambda r: (r["keep_margin"], r["number"]))[:surplus]
    }
    candidates = []
    for row in considered:
        article = row["article"]
        reasons = []
        if row["keep_margin"] < 0:
            reasons.append("earns_less_than_value_loss")
        if surplus > 0 and row["number"] in weakest:
            reasons.append("surplus_sku")
        gain = row["renewal_gain"]
        if surplus == 0 and gain is not None and hurdle is not None and gain > hurdle:
            reasons.append("new_one_earns_more")
        if not reasons:
            continue
        busy = any(
            e.kind in USAGE
            and e.occurred_at < T
            and (e.ended_at is None or e.ended_at > T - W)
            and (e.ended_at is None or e.ended_at > e.occurred_at)
            for e in article.events.all()
        )
        if not busy:
            reasons.append("idle")
        if row["condition"] == "poor":
            reasons.append("poor_condition")
        age_days = seconds(T - instant(article.purchased_on)) / DAY
        if sku.expected_lifetime_days is not None and age_days >= sku.expected_lifetime_days:
            reasons.append("past_expected_lifetime")
        ratio = figures[article.number]["payback_ratio"]
        if ratio is not None and ratio >= 1:
            reasons.append("paid_back")
        candidates.append({**row, "reasons": reasons})
    return candidates
