"""The kept sell-off candidates as rows (``reports.models.KeptCandidate``).

A sell-off of 100,000 articles holds tens of thousands of candidates, of which a page
shows 50. Kept inside their SKU's part, every page would read and decode them all to
sort them; kept as rows, the database sorts (an index on ``keep_margin``, ``number``:
the sell-off's order), counts and pages them, and joins the article of each row on
the page for what may be done with it now. ``kept`` keeps and forgets them together
with their SKU's part.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import DecimalField, Func, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform

from articles.choices import DISPOSED_STATUSES
from articles.models import Allocation, Article
from interchange.imports.bulk import insert_values
from reports.models import KeptCandidate

from .declarations import REASONS, SELLOFF_FIGURES, figure_of
from .kept_encoding import Payload, is_decimal

BATCH = 5000  # candidates read at a time
# Past this many candidates written at once, their table's statistics are renewed.
ANALYZE_AFTER = 10_000
# The sell-off's order, also the last keys of any other order a page asks for.
ORDER = ("keep_margin", "number")


class _Numeric(Func):
    """Kept decimal text as PostgreSQL's exact ``numeric`` (rows are kept on PostgreSQL
    only)."""

    template = "(%(expressions)s)::numeric"
    output_field = DecimalField()


def candidates_keep(parts: dict[int, tuple[int, Payload]]) -> None:
    """Keep the candidates of kept sell-off parts: ``parts`` maps a part's id to its
    SKU's id and its candidates as ``encoded_rows`` wrote them. What the parts held
    before is replaced. Written with COPY (kept rows live on PostgreSQL only): tens of
    thousands of JSON values as parameters of an INSERT cost a minute to quote. The
    values are given in their columns' types (a binary COPY): the figures as an object."""
    KeptCandidate.objects.filter(kept_id__in=list(parts)).delete()
    written = sum(len(candidates["rows"]) for _, candidates in parts.values())
    sku_ids = {sku_id for sku_id, _ in parts.values()}
    articles = {
        number: (condition, status not in DISPOSED_STATUSES, allocation == Allocation.RENTAL)
        # Read at once, not through a server-side cursor: its plan, made for the first
        # rows, took 50-80 ms for one SKU's thousand articles where this takes 4 (the
        # caller holds every candidate in memory anyway).
        for number, condition, status, allocation in Article.objects.filter(
            sku_id__in=sku_ids
        ).values_list("number", "condition", "status", "allocation")
    }

    def row(kept_id: int, figures: dict[str, Any]) -> tuple[Any, ...]:
        condition, in_fleet, rental = articles[figures["number"]]
        return (
            kept_id,
            figures["number"],
            Decimal(figures["keep_margin"]),
            figures,
            condition,
            in_fleet,
            in_fleet and rental,
        )

    insert_values(
        KeptCandidate,
        ["kept_id", "number", "keep_margin", "figures", "condition", "sellable", "choosable"],
        (
            row(kept_id, dict(zip(candidates["columns"], values, strict=True)))
            for kept_id, (_, candidates) in parts.items()
            for values in candidates["rows"]
        ),
    )
    if written >= ANALYZE_AFTER:
        # The planner learns the new rows now, not when autovacuum comes by: a page
        # of them is an index scan that stops after 50.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {KeptCandidate._meta.db_table}")


def candidates_read(kept_ids: Iterable[int]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The candidates of the kept parts ``kept_ids``, in the sell-off's order, each as
    the sell-off computes it; and how many each part has (to check them against its
    line). The database types the figures (its numeric text is exact) and the driver
    reads them: tens of thousands of rows through the ORM's converters cost seconds."""
    columns = ", ".join(_column_sql(name) for name in SELLOFF_FIGURES)
    query = (
        f"SELECT kept_id, {columns} FROM {KeptCandidate._meta.db_table}"
        f" WHERE kept_id = ANY(%s) ORDER BY {', '.join(ORDER)}"
    )
    candidates = []
    counts: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, [list(kept_ids)])
        while rows := cursor.fetchmany(BATCH):
            for kept_id, *figures in rows:
                counts[kept_id] = counts.get(kept_id, 0) + 1
                candidates.append(dict(zip(SELLOFF_FIGURES, figures, strict=True)))
    return candidates, counts


def _column_sql(name: str) -> str:
    """The kept figure ``name`` in SQL, typed as the sell-off computes it (``name`` is a
    declared figure, never user input)."""
    if name in ORDER:
        return name
    if is_decimal(name):
        return f"(figures ->> '{name}')::numeric"
    if figure_of(name).kind == REASONS:
        return f"ARRAY(SELECT jsonb_array_elements_text(figures -> '{name}'))"
    return f"figures ->> '{name}'"


def candidate_listing(part_ids: Iterable[int]) -> QuerySet[KeptCandidate, dict[str, Any]]:
    """The candidates of the kept sell-off parts ``part_ids`` as rows a table pages and
    sorts in the database: every column of the sell-off, typed as it computes them, and
    the article's ``condition`` now with whether it may still be moved to sales
    (``choosable``) or sold (``sellable``), as kept with it. Count them from the parts' lines: a count
    of the rows reads every one of them."""
    return (
        KeptCandidate.objects.filter(kept_id__in=list(part_ids))
        .values(
            *ORDER,
            "condition",
            "sellable",
            "choosable",
            **_typed_figures(),
        )
        .order_by(*ORDER)
    )


def _typed_figures() -> dict[str, Any]:
    """Every figure of the sell-off that is not a column of its own, read from the
    kept JSON as the sell-off computes it."""
    return {name: _typed(name) for name in SELLOFF_FIGURES if name not in ORDER}


def _typed(name: str) -> Any:
    """The kept figure ``name`` as the sell-off computes it."""
    if is_decimal(name):
        return _Numeric(KeyTextTransform(name, "figures"))
    if figure_of(name).kind == REASONS:
        return KeyTransform(name, "figures")
    return KeyTextTransform(name, "figures")
