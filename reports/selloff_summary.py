"""The sell-off page's summary per SKU: how many articles the sell-off considered,
how many of them are candidates, and the SKU's surplus.

The candidates themselves come from ``figures.selloff_candidates``; this reads the
same SKU reports for what the candidate list does not carry (the considered articles
and the surplus), with the sell-off's own rule for "considered", so that the summary
and the list always agree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from articles.models import Store
from skus.models import SKU

from .figures.amounts import Depreciation
from .figures.selloff import _considered
from .figures.skus import sku_reports


@dataclass(frozen=True)
class SkuSelloff:
    """One SKU's line of the summary."""

    code: str
    name: str
    window_days: int
    considered: int
    candidates: int
    surplus: int


def selloff_summary(
    *,
    candidates: Iterable[dict[str, Any]],
    as_of: dt.date,
    window_days: int | None,
    skus: QuerySet[SKU] | None,
    store: Store | None,
) -> list[SkuSelloff]:
    """Per SKU in scope (by code), its considered articles, its ``candidates`` (rows
    of ``selloff_candidates`` for the same parameters) and its surplus. Four
    statements, as the sell-off itself."""
    horizon, reports = sku_reports(
        as_of=as_of, window_days=window_days, skus=skus, store=store, report="selloff"
    )
    per_sku = Counter(candidate["sku_code"] for candidate in candidates)
    depreciation = Depreciation()
    return [
        SkuSelloff(
            code=report.sku.code,
            name=report.sku.name,
            window_days=report.parameters.window_days,
            considered=len(_considered(report, horizon, depreciation)),
            candidates=per_sku[report.sku.code],
            surplus=report.figures["surplus"],
        )
        for report in reports
    ]
