"""The generated database a benchmark runs on: its name for a size, built when missing
or of another size (``manage.py generate_fleet``, then ``VACUUM ANALYZE``), reused
otherwise; what it holds, and the machine it runs on."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass

import psycopg

from .common import ROOT, conninfo, database_url

EVENTS_PER_ARTICLE = 20
SEED = 1


def database_name(articles: int) -> str:
    """``inventory_bench`` for 100,000 articles, ``inventory_bench_10k`` for 10,000."""
    return {100_000: "inventory_bench", 10_000: "inventory_bench_10k"}.get(
        articles, f"inventory_bench_{articles}"
    )


def size_label(articles: int) -> str:
    """10k, 100k, 2500: the size as the results' file names spell it."""
    return f"{articles // 1000}k" if articles % 1000 == 0 else str(articles)


def article_count(name: str) -> int | None:
    """The articles in the database ``name``; None if it or its tables do not exist."""
    with psycopg.connect(conninfo("postgres"), autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            return None
    with psycopg.connect(conninfo(name)) as connection:
        try:
            row = connection.execute("SELECT count(*) FROM articles_article").fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    return None if row is None else int(row[0])


def migrate(name: str) -> None:
    """Apply the project's migrations to ``name``."""
    env = {**os.environ, "DATABASE_URL": database_url(name)}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def build(name: str, articles: int) -> float:
    """Drop and build ``name`` with ``articles`` generated articles; the seconds it took."""
    started = time.perf_counter()
    with psycopg.connect(conninfo("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    migrate(name)
    env = {**os.environ, "DATABASE_URL": database_url(name)}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_fleet",
            "--articles",
            str(articles),
            "--events-per-article",
            str(EVENTS_PER_ARTICLE),
            "--seed",
            str(SEED),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with psycopg.connect(conninfo(name), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def ensure(name: str, articles: int, *, may_build: bool) -> str:
    """``name`` with ``articles`` articles: reused if it has them, else built (only where
    ``may_build``: a database given by name is never dropped). What was done, in words."""
    found = article_count(name)
    if found == articles:
        # The code may be newer than the database: its migrations first.
        migrate(name)
        return f"reused {name}"
    if not may_build:
        raise SystemExit(
            f"{name} holds {found if found is not None else 'no'} articles, not {articles}: "
            "give --articles to match it (a database given with --database is never rebuilt)."
        )
    print(f"building {name} ({articles:,} articles) ...", flush=True)
    seconds = build(name, articles)
    return f"built {name} in {seconds:.0f} s"


@dataclass(frozen=True)
class Fleet:
    articles: int
    events: int
    skus: int
    catalog_items: int


def fleet(name: str) -> Fleet:
    counts = []
    with psycopg.connect(conninfo(name)) as connection:
        for table in ("articles_article", "articles_event", "skus_sku", "catalog_link_catalogitem"):
            row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts.append(0 if row is None else int(row[0]))
    return Fleet(*counts)


def machine(name: str) -> dict[str, str]:
    """Cores, memory, PostgreSQL, Python and the commit the benchmark ran on."""
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        kilobytes = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    with psycopg.connect(conninfo(name)) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{kilobytes / 1024 / 1024:.1f} GB",
        "PostgreSQL": "" if row is None else str(row[0]),
        "Python": platform.python_version(),
        "commit": commit,
    }


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())
