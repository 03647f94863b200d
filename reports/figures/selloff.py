"""The sell-off candidates of SPEC.md: the articles worth selling or renewing.

``trailing_net`` and the first-window net of ``challenger_net_per_day`` leave out sale
events entirely (their revenue and their cost). With a store, the candidates are
chosen among the articles in that store at T. A candidate's ``store`` says where it
is now, like its number says which it is.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from articles.models import Allocation, Condition, Status, Store
from skus.models import SKU

from .amounts import CENT, DAY, ONE, SECONDS_PER_DAY, ZERO, Depreciation, kept_share, to_cent
from .declarations import REASONS_IN_ORDER
from .horizon import Horizon
from .ledger import ArticleRow
from .skus import SkuReport, sku_reports


@dataclass
class _Considered:
    """An article the sell-off considers, with its keep-or-sell figures."""

    row: ArticleRow
    age: Decimal
    keep_margin: Decimal
    value_loss: Decimal
    window_usage_days: Decimal
    challenger_margin: Decimal | None
    renewal_gain: Decimal | None
    estimated_value: Decimal


def _challenger_margin(
    report: SkuReport, window_usage_days: Decimal, kept: Decimal
) -> Decimal | None:
    """What a new article would add in this one's place over a window: the SKU's net
    per day of use over the days this one was used, less a new one's value loss; to
    the cent, so that ``renewal_gain`` adds up as shown. None without a net per day
    or a replacement price."""
    per_day = report.figures["challenger_net_per_day"]
    replacement = report.parameters.replacement_price
    if per_day is None or replacement is None:
        return None
    return to_cent(per_day * window_usage_days - replacement * (ONE - kept))


def _considered(
    report: SkuReport, horizon: Horizon, depreciation: Depreciation
) -> list[_Considered]:
    """The SKU's active or out-of-use rental articles owned a whole window."""
    parameters = report.parameters
    window = parameters.window_days * SECONDS_PER_DAY
    kept = kept_share(parameters.rate, Decimal(parameters.window_days) / 365)
    considered = []
    for row in report.rows:
        if (
            row.status not in (Status.ACTIVE, Status.OUT_OF_USE)
            or row.allocation != Allocation.RENTAL
            or row.owned_seconds < window
        ):
            continue
        age = Decimal(horizon.epoch) - row.start
        value_now = depreciation.value(row.price, row.condition, parameters.rate, age)
        value_later = depreciation.value(row.price, row.condition, parameters.rate, age + window)
        value_loss = value_now - value_later
        keep_margin = row.trailing_net - value_loss
        window_usage_days = row.window_usage_seconds / DAY
        challenger = _challenger_margin(report, window_usage_days, kept)
        considered.append(
            _Considered(
                row=row,
                age=age,
                keep_margin=keep_margin,
                value_loss=value_loss,
                window_usage_days=window_usage_days,
                challenger_margin=challenger,
                renewal_gain=None if challenger is None else challenger - keep_margin,
                estimated_value=ZERO.quantize(CENT) if row.disposed is not None else value_now,
            )
        )
    return considered


def _reasons(
    report: SkuReport, considered: list[_Considered]
) -> list[tuple[_Considered, list[str]]]:
    """The candidates among ``considered`` with their reason codes, in SPEC.md's order."""
    parameters = report.parameters
    surplus = report.figures["surplus"]
    weakest = {
        id(item.row)
        for item in heapq.nsmallest(
            surplus, considered, key=lambda item: (item.keep_margin, item.row.number)
        )
    }
    hurdle = parameters.renewal_hurdle
    candidates = []
    for item in considered:
        row = item.row
        holds = {
            "earns_less_than_value_loss": item.keep_margin < 0,
            "surplus_sku": surplus > 0 and id(row) in weakest,
            "new_one_earns_more": surplus == 0
            and item.renewal_gain is not None
            and hurdle is not None
            and item.renewal_gain > hurdle,
        }
        if not any(holds.values()):
            continue
        holds |= {
            "idle": not row.busy_in_window,
            "poor_condition": row.condition == Condition.POOR,
            "past_expected_lifetime": parameters.expected_lifetime_days is not None
            and item.age >= parameters.expected_lifetime_days * SECONDS_PER_DAY,
            "paid_back": bool(row.price) and (row.revenue - row.expenses) >= row.price,
        }
        reasons = [reason.code for reason in REASONS_IN_ORDER if holds[reason.code]]
        candidates.append((item, reasons))
    return candidates


@dataclass(frozen=True)
class SkuSelloff:
    """One SKU's line of the sell-off: the articles it considered, how many of them
    are candidates, and the SKU's surplus."""

    code: str
    name: str
    window_days: int
    considered: int
    candidates: int
    surplus: int


@dataclass(frozen=True)
class Selloff:
    """The candidates, sorted, and the line of every SKU in scope (by code)."""

    candidates: list[dict[str, Any]]
    per_sku: list[SkuSelloff]


def selloff(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> Selloff:
    """The sell-off (SPEC.md "Sell-off candidates") with its summary per SKU, from one
    reading of the ledger.

    Candidates are sorted by keep_margin, lowest first, then by number. ``reasons``
    lists the reason codes in SPEC.md's order.
    """
    horizon, reports = sku_reports(
        as_of=as_of, window_days=window_days, skus=skus, store=store, report="selloff"
    )
    return selloff_of(horizon, reports)


def selloff_of(horizon: Horizon, reports: list[SkuReport]) -> Selloff:
    """The sell-off of the SKUs ``sku_reports(..., report="selloff")`` read."""
    depreciation = Depreciation()
    candidates: list[dict[str, Any]] = []
    per_sku = []
    for report in reports:
        considered = _considered(report, horizon, depreciation)
        chosen = _reasons(report, considered)
        candidates.extend(
            {
                "number": item.row.number,
                "sku_code": report.sku.code,
                "store": item.row.now_store,
                "reasons": reasons,
                "trailing_net": item.row.trailing_net,
                "value_loss": item.value_loss,
                "keep_margin": item.keep_margin,
                "window_usage_days": item.window_usage_days,
                "challenger_margin": item.challenger_margin,
                "renewal_gain": item.renewal_gain,
                "estimated_value": item.estimated_value,
            }
            for item, reasons in chosen
        )
        per_sku.append(
            SkuSelloff(
                code=report.sku.code,
                name=report.sku.name,
                window_days=report.parameters.window_days,
                considered=len(considered),
                candidates=len(chosen),
                surplus=report.figures["surplus"],
            )
        )
    candidates.sort(key=lambda candidate: (candidate["keep_margin"], candidate["number"]))
    return Selloff(candidates=candidates, per_sku=per_sku)


def selloff_candidates(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """The articles worth selling or renewing, as ``selloff`` sorts them."""
    return selloff(as_of=as_of, window_days=window_days, skus=skus, store=store).candidates
