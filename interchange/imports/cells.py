"""Reading an import file: its header, its rows and the values in their cells.

Each parser raises ``ValueError`` with the plain reason a cell cannot be read; the
imports turn it into a ``RowError`` naming the line and column.

A time without an offset is read on the installation's wall clock. Where that clock
skips an hour (clocks going forward) such a time never happened, and where it repeats
one (clocks going back) it happened twice; both are refused rather than shifted,
since guessing would move an event by an hour without anyone noticing. A time that
carries its offset is never ambiguous.
"""

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import rules
from articles.codes import normalized_code
from articles.services import start_of_day
from interchange.columns import FileColumns
from interchange.tabular import RowError, Table

from .results import ImportFailed, Progress

MONEY_PATTERN = re.compile(r"^\d+(\.\d{1,2})?$")
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")
# The most values a cache of parsed cells holds; then it starts again, so that a file
# of a million distinct times does not keep them all twice.
CACHE_LIMIT = 100_000

K = TypeVar("K")
V = TypeVar("V")


class Cells:
    """Parsers for one import, with caches: a nightly file repeats most values."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.money_cache: dict[str, Decimal] = {}
        self.moments: dict[str, dt.datetime] = {}
        self.past: dict[str, dt.datetime] = {}
        self.identifiers: dict[tuple[str, str], str] = {}

    def money(self, text: str, *, negative: bool = False) -> Decimal | None:
        """Empty is None; otherwise an amount with at most 2 decimals that fits the
        ledger. Below zero only with ``negative``: whether a ledger row may take money
        back depends on its kind, which ``rules.check_event_row`` judges."""
        if not text:
            return None
        value = self.money_cache.get(text)
        if value is not None and (negative or value >= 0):
            return value
        cleaned = text.strip()
        unsigned = cleaned[1:] if cleaned.startswith("-") else cleaned
        if not MONEY_PATTERN.match(unsigned):
            if re.match(r"^\d+\.\d{3,}$", unsigned):
                raise ValueError(f"{cleaned} has more than 2 decimal places.")
            raise ValueError(f"{cleaned!r} is not an amount of money; write it like 12.50.")
        if unsigned != cleaned and not negative:
            raise ValueError(f"{cleaned} is negative; amounts are 0 or more.")
        value = Decimal(cleaned)
        try:
            rules.check_amount_fits(value, field="amount")
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        self.money_cache[text] = value
        return value

    def moment(self, text: str) -> dt.datetime | None:
        """ISO 8601; without an offset in the installation's time zone; a date alone
        is the start of that day. In UTC."""
        value = self.moments.get(text)
        if value is None:
            value = self._moment(text)
            if value is not None:
                _remember(self.moments, text, value)
        return value

    def past_moment(self, text: str, *, field: str, now: dt.datetime) -> dt.datetime | None:
        """``moment`` of a time the ledger records, which has happened
        (``rules.check_happened``, whose ``ValidationError`` names ``field``)."""
        value = self.past.get(text)
        if value is None:
            value = self.moment(text)
            if value is not None:
                rules.check_happened(value, field=field, now=now)
                _remember(self.past, text, value)
        return value

    def identifier(self, text: str, *, what: str) -> str:
        """``identifier``, remembered: a file names the same articles and stores again
        and again."""
        key = (text, what)
        value = self.identifiers.get(key)
        if value is None:
            value = identifier(text, what=what)
            _remember(self.identifiers, key, value)
        return value

    def _moment(self, text: str) -> dt.datetime | None:
        text = text.strip()
        if not text:
            return None
        try:
            if len(text) == 10:
                return start_of_day(dt.date.fromisoformat(text)).astimezone(dt.UTC)
            value = dt.datetime.fromisoformat(text)
        except OverflowError:
            raise ValueError(f"{text} is too far in the past or the future.") from None
        except ValueError:
            if DATE_PREFIX.match(text) and _valid_shape(text):
                raise ValueError(f"{text} is not a date in the calendar.") from None
            raise ValueError(
                f"{text!r} is not a date and time; write it as 2025-05-03 or "
                "2025-05-03T14:00 (ISO 8601)."
            ) from None
        try:
            if value.tzinfo is None:
                value = self._on_the_wall_clock(value, text)
            return value.astimezone(dt.UTC)
        except OverflowError:
            # In UTC it would fall before the year 1 or after 9999.
            raise ValueError(f"{text} is too far in the past or the future.") from None

    def _on_the_wall_clock(self, value: dt.datetime, text: str) -> dt.datetime:
        """``value`` read in the installation's time zone, if it names one moment there."""
        first, second = value.replace(tzinfo=self.zone), value.replace(tzinfo=self.zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            # Both readings of the wall clock agree (PEP 495's fold): one moment.
            return first
        # They differ in the hour the clocks skip and in the hour they repeat.
        if first.astimezone(dt.UTC).astimezone(self.zone).replace(tzinfo=None) != value:
            raise ValueError(
                f"{text} does not exist in the time zone {self.zone}: the clocks skip that "
                "hour when they go forward. Check the time, or give it with its offset."
            )
        raise ValueError(
            f"{text} occurs twice in the time zone {self.zone}, when the clocks go "
            f"back; give it with its offset: {first.isoformat()} or {second.isoformat()}."
        )

    @staticmethod
    def date(text: str) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10] if len(text) > 10 else text)
        except ValueError:
            if DATE_PREFIX.match(text) and _valid_shape(text):
                raise ValueError(f"{text} is not a date in the calendar.") from None
            raise ValueError(f"{text!r} is not a date; write it as 2025-05-03.") from None


def _remember(cache: dict[K, V], key: K, value: V) -> None:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def identifier(text: str, *, what: str) -> str:
    """An article number, SKU code or store name as it is stored and compared
    (``articles.codes.normalized_code``)."""
    try:
        return normalized_code(text, what=what)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None


def _valid_shape(text: str) -> bool:
    """Digits where a date has digits: then a failure means an impossible date."""
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", text))


def choice(text: str, choices: list[str], what: str) -> str:
    value = text.strip().lower()
    if value and value not in choices:
        raise ValueError(f"{text.strip()!r} is not {what}; use one of {', '.join(choices)}.")
    return value


def check_header(table: Table, columns: FileColumns) -> None:
    """Every required column is named; a column not declared is refused unless the
    file gives further columns a meaning (the specifications of articles.csv)."""
    known = columns.names
    missing = [column for column in columns.required if column not in table.header]
    errors = []
    if missing:
        errors.append(
            RowError(
                1,
                "",
                f"The header lacks the required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}. The columns are: {', '.join(known)}.",
            )
        )
    if not columns.further:
        unknown = [column for column in table.header if column not in known]
        if unknown:
            errors.append(
                RowError(
                    1,
                    "",
                    f"Unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}. "
                    f"The columns are: {', '.join(known)}.",
                )
            )
    if errors:
        raise ImportFailed(errors)


def row_width_error(line: int, values: list[str], header: list[str]) -> RowError | None:
    if len(values) > len(header) and any(value.strip() for value in values[len(header) :]):
        return RowError(
            line,
            "",
            f"The row has {len(values)} values but the header names {len(header)} columns.",
        )
    return None


def length_error(line: int, column: str, text: str, limit: int) -> RowError | None:
    if len(text) > limit:
        return RowError(
            line, column, f"The value is {len(text)} characters long; at most {limit} fit."
        )
    return None


def stream(table: Table, progress: Progress, description: str) -> Iterator[tuple[int, list[str]]]:
    """The table's rows with a progress bar over bytes (CSV) or rows (Excel)."""
    bar = progress(total=table.size, desc=description, unit=table.unit, unit_scale=True)
    if table.unit == "B":
        # Bytes of a line are approximated by its characters plus separators.
        for line, values in table.rows:
            bar.update(sum(map(len, values)) + len(values))
            yield line, values
    else:
        for line, values in table.rows:
            bar.update(1)
            yield line, values
    bar.close()
