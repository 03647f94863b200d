"""What the benchmarks share: where the databases are, Django set up on one, and the
timing of a piece of work (one warm-up, then timed runs, p50 and p95)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def conninfo(name: str) -> str:
    """The database's URL as psycopg reads it."""
    return database_url(name).replace("postgres://", "postgresql://", 1)


def setup_django(name: str) -> None:
    """Django set up on the database ``name``, in this process (before any model import)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inventory_site.settings.local")
    import django

    django.setup()


@dataclass(frozen=True)
class Timing:
    """The seconds of the timed runs of one piece of work."""

    seconds: tuple[float, ...]

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        """The 95th percentile by nearest rank: the slowest run when there are fewer
        than 20."""
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(
    work: Callable[[], object], runs: int, *, before: Callable[[], object] | None = None
) -> Timing:
    """One warm-up (templates, the connection, the database's caches), then ``runs``
    timed ones; ``before`` runs ahead of each, untimed."""
    if before:
        before()
    work()
    seconds = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return Timing(tuple(seconds))
