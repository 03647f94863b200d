"""How report columns are written: the kinds of SPEC.md's columns and the CSV, JSON and
terminal-table renderings shared by ``manage.py report`` and the web downloads.

Money has exactly 2 decimals, other fractions exactly 4 (ROUND_HALF_UP), counts are
integers, dates ``YYYY-MM-DD``; an empty figure is an empty cell (``null`` in JSON).
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from interchange.tabular import spreadsheet_text

from .figures.declarations import (
    FRACTION,
    INTEGER,
    MONEY,
    REASONS,
    REPORT_COLUMNS,
    Kind,
    figure_of,
)

__all__ = [
    "FRACTION",
    "INTEGER",
    "MONEY",
    "REASONS",
    "REPORT_COLUMNS",
    "column_kind",
    "format_value",
    "render",
    "render_csv",
    "render_html_figures",
    "render_json",
    "render_table",
]


TABLE_WIDTH = 80
GAP = "  "


def column_kind(column: str) -> Kind:
    """The kind of value of a column (text for a column that is not a figure)."""
    return figure_of(column).kind


def format_value(column: str, value: Any) -> str:
    """A cell as text: the same in CSV, the table and (unquoted numbers) JSON."""
    if value is None:
        return ""
    figure = figure_of(column)
    kind = figure.kind
    if figure.quantum is not None:
        return str(Decimal(value).quantize(figure.quantum, rounding=ROUND_HALF_UP))
    if kind == INTEGER:
        return str(int(value))
    if kind == Kind.DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == REASONS:
        return ";".join(value) if not isinstance(value, str) else value
    return str(value)


def _json_value(column: str, value: Any) -> str:
    if value is None:
        return "null"
    if column_kind(column).numeric:
        return format_value(column, value)
    return json.dumps(format_value(column, value), ensure_ascii=False)


def _csv_cell(column: str, value: Any) -> str:
    """A CSV cell that a spreadsheet shows and never runs: text is escaped, numbers
    (a negative net included) are written as they are."""
    text = format_value(column, value)
    return text if column_kind(column).numeric else spreadsheet_text(text)


def render_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """A header row and one line per row, comma separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(column, row[column]) for column in columns])
    return buffer.getvalue()


def render_json(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """A JSON array of objects; money and fractions as numbers with exactly 2 / 4 decimals."""
    objects = [
        "{"
        + ", ".join(
            f"{json.dumps(column)}: {_json_value(column, row[column])}" for column in columns
        )
        + "}"
        for row in rows
    ]
    if not objects:
        return "[]\n"
    return "[\n  " + ",\n  ".join(objects) + "\n]\n"


def _wrap(text: str, width: int) -> list[str]:
    """Split a long ``;``-joined cell into lines of at most ``width`` where it can."""
    if len(text) <= width or ";" not in text:
        return [text]
    lines, current = [], ""
    for part in text.split(";"):
        candidate = f"{current};{part}" if current else part
        if current and len(candidate) > width:
            lines.append(current + ";")
            current = part
        else:
            current = candidate
    lines.append(current)
    return lines


def render_table(
    columns: Sequence[str], rows: Iterable[dict[str, Any]], *, width: int = TABLE_WIDTH
) -> str:
    """Aligned columns that fit ``width`` characters.

    A report with more columns than fit is printed as several blocks, each repeating
    the first (key) column; numbers align right, text left; a long list of reasons
    wraps at its semicolons.
    """
    rows = list(rows)
    cells = {column: [format_value(column, row[column]) for row in rows] for column in columns}
    key, others = columns[0], list(columns[1:])
    key_width = max([len(key), *(len(cell) for cell in cells[key])])
    room = max(width - key_width - len(GAP), 10)
    widths = {}
    for column in others:
        natural = max([len(column), *(len(cell) for cell in cells[column])])
        widths[column] = min(natural, max(room, len(column)))
    blocks: list[list[str]] = []
    used = key_width
    for column in others:
        if not blocks or used + len(GAP) + widths[column] > width:
            blocks.append([])
            used = key_width
        blocks[-1].append(column)
        used += len(GAP) + widths[column]

    right = {c for c in columns if column_kind(c).numeric}

    def align(column: str, text: str, size: int) -> str:
        return text.rjust(size) if column in right else text.ljust(size)

    out: list[str] = []
    keys = [cell.ljust(key_width) for cell in cells[key]]
    blank_key = " " * key_width
    for block in blocks or [[]]:
        if out:
            out.append("")
        header = [key.ljust(key_width)] + [align(c, c, widths[c]) for c in block]
        out.append(GAP.join(header).rstrip())
        out.append(GAP.join("-" * size for size in [key_width, *(widths[c] for c in block)]))
        # Cells already aligned to their width, one list per column of the block.
        aligned = [[align(c, cell, widths[c]) for cell in cells[c]] for c in block]
        too_wide = [c for c in block if any(len(cell) > widths[c] for cell in cells[c])]
        for index, key_cell in enumerate(keys):
            if not any(len(cells[c][index]) > widths[c] for c in too_wide):
                out.append(GAP.join([key_cell, *(column[index] for column in aligned)]).rstrip())
                continue
            wrapped = [_wrap(cells[c][index], widths[c]) for c in block]
            for line in range(max(len(lines) for lines in wrapped)):
                parts = [key_cell if line == 0 else blank_key]
                for c, lines in zip(block, wrapped, strict=True):
                    parts.append(align(c, lines[line] if line < len(lines) else "", widths[c]))
                out.append(GAP.join(parts).rstrip())
    if not rows:
        out.append("(no rows)")
    return "\n".join(out) + "\n"


Renderer = Callable[[Sequence[str], Iterable[dict[str, Any]]], str]
RENDERERS: dict[str, Renderer] = {"csv": render_csv, "json": render_json, "table": render_table}


def render(report_format: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    return RENDERERS[report_format](columns, rows)


def render_html_figures(columns: Sequence[str], row: dict[str, Any]) -> SafeString:
    """A small two-column HTML table of one row's figures (the admin change pages)."""
    body = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td></tr>",
        ((column, format_value(column, row[column]) or "—") for column in columns),
    )
    return format_html('<table class="report-figures">{}</table>', body)
