"""The results of a run as Markdown tables, one per section, with targets and verdicts;
and the same lines as they are printed while the run goes."""

from __future__ import annotations

import json
from typing import Any

from .commands import CommandResult
from .common import Timing
from .pages import PageResult

# Issue 11's targets: a report command within 1.3 times its hand-written SQL floor,
# ``import_events`` within 1.5 times a COPY of the same rows into the same table.
COMMAND_RATIO_TARGET = 1.3
IMPORT_RATIO_TARGET = 1.5
NO_TARGET = "-"


def verdict(p50: float, p95: float, target: float | None) -> str:
    """met (p95 within the target), p50 only (the median within it), or missed."""
    if target is None:
        return NO_TARGET
    if p95 <= target:
        return "met"
    return "p50 only" if p50 <= target else "missed"


def page_line(result: PageResult) -> str:
    timing, target = result.timing, result.page.target_ms
    return (
        f"{result.page.name:42} p50 {timing.p50 * 1000:8.1f} ms  p95 {timing.p95 * 1000:8.1f} ms"
        f"  {result.queries:3} queries  target {target or NO_TARGET}"
        f"  {verdict(timing.p50 * 1000, timing.p95 * 1000, target)}"
    )


def command_line(result: CommandResult) -> str:
    agreement = result.agreement
    return (
        f"report {result.report:8} as of {result.as_of:10}  command p50 {result.command.p50:7.2f} s"
        f"  floor p50 {result.floor.p50:7.2f} s  ratio {result.ratio:6.1f}"
        f"  floor agrees: {'yes' if agreement.agrees else 'no'}"
        f" ({len(agreement.differences)} differences)"
    )


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    align = ["---" if index < 2 else "---:" for index in range(len(header))]
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def pages_section(results: list[PageResult]) -> list[str]:
    rows = [
        [
            result.page.name,
            f"`{result.page.path}`",
            str(result.page.target_ms or NO_TARGET),
            f"{result.timing.p50 * 1000:,.0f}",
            f"{result.timing.p95 * 1000:,.0f}",
            str(result.queries),
            verdict(result.timing.p50 * 1000, result.timing.p95 * 1000, result.page.target_ms),
        ]
        for result in results
    ]
    header = ["page", "path", "target ms", "p50 ms", "p95 ms", "queries", "verdict"]
    return ["## Pages", "", *_table(header, rows), ""]


def commands_section(results: list[CommandResult], startup: Timing) -> list[str]:
    rows = []
    for result in results:
        agreement = result.agreement
        rows.append(
            [
                f"`report {result.report} --format csv`",
                result.as_of,
                f"{COMMAND_RATIO_TARGET}",
                f"{result.command.p50:.2f}",
                f"{result.command.p95:.2f}",
                f"{result.floor.p50:.2f}",
                f"{result.ratio:.2f}",
                "met" if result.ratio <= COMMAND_RATIO_TARGET else "missed",
                f"{'yes' if agreement.agrees else 'no'} ({len(agreement.differences)} differences,"
                f" {agreement.rows:,} rows)",
            ]
        )
    header = [
        "command",
        "as of",
        "target ratio",
        "p50 s",
        "p95 s",
        "floor p50 s",
        "ratio",
        "verdict",
        "floor agrees",
    ]
    differences = [
        f"- {result.report} as of {result.as_of}: {difference}"
        for result in results
        for difference in result.agreement.differences[:5]
    ]
    return [
        "## Report commands and their SQL floors",
        "",
        "Each command as a `manage.py` subprocess (as of today it reads the rows kept per SKU",
        "where they exist); its floor (`benchmarks/floors/`) through psycopg, every row fetched",
        "(the articles' copied out as CSV); ratio = command p50 / floor p50. The floor agrees",
        "when every cell of the command's CSV in a column the floor computes equals the",
        "floor's value rounded to the CSV's decimals (Kaplan–Meier is not in the floor).",
        "Each command's time includes starting Python and Django with the system checks",
        f"(`manage.py check`: p50 {startup.p50:.2f} s, p95 {startup.p95:.2f} s).",
        "",
        *_table(header, rows),
        "",
        *([*differences, ""] if differences else []),
    ]


def imports_section(imports: dict[str, Any] | None) -> list[str]:
    """The imports' JSON as a table, read defensively: ``articles``, ``events`` (or
    ``sizes``, each possibly with its own ``reimport``) and ``reimport``; whatever else
    it holds is listed under the table as it is."""
    if imports is None:
        return ["## Imports", "", "imports: run benchmarks/imports_bench.py", ""]
    header = ["import", "rows", "seconds", "rows/s", "COPY s", "ratio", "peak RSS MB", "verdict"]
    named = [("import_articles", entry) for entry in _entries(imports.get("articles"))]
    for entry in _entries(imports.get("events", imports.get("sizes"))):
        named.append(("import_events", entry))
        named += [
            ("re-import of that file (all skipped)", again)
            for again in _entries(entry.get("reimport"))
        ]
    named += [("re-import (all skipped)", entry) for entry in _entries(imports.get("reimport"))]
    rows = [[name, *_import_cells(entry), _import_verdict(name, entry)] for name, entry in named]
    shown = {"articles", "events", "sizes", "reimport"}
    others = [
        f"- {key}: `{json.dumps(value)}`"
        for key, value in imports.items()
        if key not in shown or not _entries(value)
    ]
    return [
        "## Imports (`benchmarks/imports_bench.py --json`)",
        "",
        *_table(header, rows),
        "",
        *([*others, ""] if others else []),
    ]


def _import_cells(entry: dict[str, Any]) -> list[str]:
    """rows, seconds, rows/s, COPY s, ratio and peak RSS of one import, "-" where absent."""

    def number(value: Any, form: str) -> str:
        return format(value, form) if isinstance(value, int | float) else NO_TARGET

    rows, seconds = entry.get("rows"), entry.get("seconds")
    per_second = entry.get("rows_per_second", entry.get("rows_per_s"))
    if per_second is None and isinstance(rows, int | float) and isinstance(seconds, int | float):
        per_second = rows / seconds if seconds else None
    return [
        number(rows, ","),
        number(seconds, ".1f"),
        number(per_second, ",.0f"),
        number(entry.get("copy_seconds"), ".1f"),
        number(entry.get("ratio"), ".2f"),
        number(entry.get("peak_rss_mb"), ",.0f"),
    ]


def _entries(value: Any) -> list[dict[str, Any]]:
    """An entry of the imports' JSON as a list of measurements (one, a list, or none)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [entry for entry in value if isinstance(entry, dict)]
    return []


def machine_section(facts: dict[str, str]) -> list[str]:
    rows = [[name, value] for name, value in facts.items()]
    return ["## The machine and the data", "", *_table(["what", "value"], rows), ""]


def _import_verdict(name: str, entry: dict[str, Any]) -> str:
    """``import_events`` against its target ratio to a COPY; the others have none."""
    ratio = entry.get("ratio")
    if name != "import_events" or not isinstance(ratio, int | float):
        return NO_TARGET
    return "met" if ratio <= IMPORT_RATIO_TARGET else "missed"
