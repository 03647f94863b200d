"""Time ``manage.py report`` at scale on PostgreSQL against its targets.

    .venv/bin/python benchmarks/reports_bench.py [--rebuild] [--runs N]

Builds, if it does not exist yet (or with ``--rebuild``), a PostgreSQL database
``inventory_bench`` with ``manage.py generate_fleet --articles 100000`` (100 SKUs, five
stores, about 2,000,000 events of every kind written with COPY; ``demo.generated`` keeps
the ledger valid under every rule), or ``--articles N`` of them. Then it times, each as a
``manage.py`` subprocess against that database:

- ``report skus`` (target: under 5 s),
- ``report selloff`` (target: under 10 s),
- ``report articles --format csv`` (target: under 30 s),

and prints the seconds of every run. Nothing here asserts: timings live in a
benchmark, not in the test suite. ``BENCH_DATABASE_URL`` overrides the database.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/inventory_bench"
)
AS_OF = "2025-06-30"
ARTICLES = 100_000
EVENTS_PER_ARTICLE = 20
TARGETS = {"skus": 5, "selloff": 10, "articles": 30}


def _server_url() -> tuple[str, str]:
    base, name = DATABASE_URL.rsplit("/", 1)
    return f"{base}/postgres".replace("postgres://", "postgresql://", 1), name


def _conninfo() -> str:
    return DATABASE_URL.replace("postgres://", "postgresql://", 1)


def database_ready(articles: int) -> bool:
    server, name = _server_url()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if not exists:
        return False
    with psycopg.connect(_conninfo()) as connection:
        try:
            count = _count(connection, "articles_article")
        except psycopg.errors.UndefinedTable:
            return False
    return count == articles


def _count(connection: psycopg.Connection, table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return 0 if row is None else int(row[0])


def build_database(articles: int) -> None:
    server, name = _server_url()
    started = time.perf_counter()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
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
            "1",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with psycopg.connect(_conninfo(), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    print(f"built {name} in {time.perf_counter() - started:.0f} s", flush=True)


def time_report(args: list[str], output: Path | None) -> float:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    command = [sys.executable, "manage.py", "report", *args, "--as-of", AS_OF]
    started = time.perf_counter()
    with open(output or os.devnull, "w") as out:
        subprocess.run(command, cwd=ROOT, env=env, stdout=out, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the data")
    parser.add_argument("--runs", type=int, default=2, help="timed runs per report")
    parser.add_argument("--articles", type=int, default=ARTICLES, help="fleet size to build")
    options = parser.parse_args()
    if options.rebuild or not database_ready(options.articles):
        build_database(options.articles)
    with psycopg.connect(_conninfo()) as connection:
        articles = _count(connection, "articles_article")
        events = _count(connection, "articles_event")
    print(f"{articles} articles, {events} events, as of {AS_OF}")
    csv_path = Path("/tmp/inventory_bench_articles.csv")
    reports = (
        ("skus", ["skus"], None),
        ("selloff", ["selloff"], None),
        ("articles", ["articles", "--format", "csv"], csv_path),
    )
    for name, args, output in reports:
        seconds = [time_report(args, output) for _ in range(options.runs)]
        runs = ", ".join(f"{s:.2f}" for s in seconds)
        verdict = "ok" if max(seconds) < TARGETS[name] else "OVER TARGET"
        print(f"report {' '.join(args):<24} {runs} s (target < {TARGETS[name]} s) {verdict}")
    lines = sum(1 for _ in csv_path.open())
    print(f"articles csv: {lines - 1} rows")


if __name__ == "__main__":
    main()
