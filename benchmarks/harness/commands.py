"""The three report commands, each as a ``manage.py`` subprocess, against their SQL
floors (``floors``), as of today and as of a past date; and the imports benchmark
(``benchmarks/imports_bench.py --json``) as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.utils import timezone

from .common import ROOT, Timing, conninfo, database_url, timed
from .floors import REPORTS, Agreement, FloorParameters, compare, floor_rows, time_floor

PAST_AS_OF = "2025-06-30"
IMPORTS_BENCH = ROOT / "benchmarks" / "imports_bench.py"


@dataclass(frozen=True)
class CommandResult:
    report: str
    as_of: str  # "today" or a date
    command: Timing
    floor: Timing
    agreement: Agreement

    @property
    def ratio(self) -> float:
        return self.command.p50 / self.floor.p50


def floor_parameters(as_of: str) -> FloorParameters:
    """The floors' parameters: the date and the installation's settings."""
    day = timezone.localdate().isoformat() if as_of == "today" else as_of
    return FloorParameters(
        as_of=day,
        time_zone=settings.TIME_ZONE,
        default_rate=settings.DEPRECIATION_RATE,
        default_window=settings.SELLOFF_WINDOW_DAYS,
        hurdle_share=settings.RENEWAL_HURDLE_SHARE,
    )


def _manage(database: str, arguments: list[str], output: Path) -> Callable[[], None]:
    env = {**os.environ, "DATABASE_URL": database_url(database)}

    def run() -> None:
        with output.open("w", encoding="utf-8") as out:
            subprocess.run(
                [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, stdout=out, check=True
            )

    return run


def _report(database: str, report: str, as_of: str, output: Path) -> Callable[[], None]:
    arguments = ["report", report, "--format", "csv"]
    if as_of != "today":
        arguments += ["--as-of", as_of]
    return _manage(database, arguments, output)


def time_startup(database: str, runs: int) -> Timing:
    """What every command spends before its report: Python, Django and the system
    checks (``manage.py check``)."""
    return timed(_manage(database, ["check"], Path(os.devnull)), runs)


def _floor(
    connection: psycopg.Connection, report: str, parameters: FloorParameters
) -> Callable[[], None]:
    def run() -> None:
        time_floor(connection, report, parameters)

    return run


def time_commands(
    database: str, runs: int, *, report: Callable[[CommandResult], None]
) -> list[CommandResult]:
    """Each report as of today (kept rows read where they exist) and as of
    ``PAST_AS_OF`` (computed), with its floor; the floor's rows checked against the
    command's CSV of the last run."""
    results = []
    with tempfile.TemporaryDirectory() as folder, psycopg.connect(conninfo(database)) as floor_db:
        for as_of in ("today", PAST_AS_OF):
            parameters = floor_parameters(as_of)
            for name in REPORTS:
                output = Path(folder) / f"{name}.csv"
                command = timed(_report(database, name, as_of, output), runs)
                floor = timed(_floor(floor_db, name, parameters), runs)
                columns, rows = floor_rows(floor_db, name, parameters)
                agreement = compare(name, output.read_text(encoding="utf-8"), columns, rows)
                result = CommandResult(name, as_of, command, floor, agreement)
                results.append(result)
                report(result)
    return results


def run_imports(articles: int | None, events: list[int] | None) -> dict[str, Any] | None:
    """What ``imports_bench.py --json`` wrote, or None when it has no such option."""
    usage = subprocess.run(
        [sys.executable, str(IMPORTS_BENCH), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if "--json" not in usage:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "imports.json"
        command = [sys.executable, str(IMPORTS_BENCH), "--json", str(path)]
        if articles:
            command += ["--articles", str(articles)]
        if events:
            command += ["--events", *map(str, events)]
        started = time.perf_counter()
        finished = subprocess.run(command, cwd=ROOT, check=False)
        print(f"imports: {time.perf_counter() - started:.0f} s", flush=True)
        if finished.returncode != 0:
            return {"error": f"imports_bench.py exited with {finished.returncode}"}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            return {"error": f"no JSON from imports_bench.py: {error}"}
    return loaded if isinstance(loaded, dict) else {"output": loaded}
