"""Benchmark of the imports: rows per second and peak memory on PostgreSQL.

    .venv/bin/python benchmarks/imports_bench.py [--articles 20000] [--events 100000 1000000]

Generates ``articles.csv`` and ``events.csv`` files under /tmp, imports them with
``manage.py import_articles`` / ``import_events`` into a fresh PostgreSQL database
``inventory_bench_imports`` (dropped and created for each events size), each import in
its own process so that its peak resident memory is its own, and prints rows per
second and peak RSS. Re-importing the same events file (all rows skipped) is timed too.
"""

import argparse
import csv
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "inventory_bench_imports"
SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
KINDS = ["rental"] * 70 + ["subscription"] * 10 + ["maintenance"] * 8 + ["inspection"] * 5
KINDS += ["income"] * 5 + ["expense"] * 2
CONDITIONS = ["like_new", "good", "fair"]


def write_articles(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "number",
                "sku_code",
                "sku_name",
                "allocation",
                "status",
                "condition",
                "manufacturer",
                "model",
                "production_year",
                "serial_number",
                "store",
                "purchased_on",
                "purchase_price",
                "size",
                "colour",
            ]
        )
        for index in range(count):
            sku = index % 40
            writer.writerow(
                [
                    f"BK-{index:07d}",
                    f"SKU-{sku:02d}",
                    f"Bike model {sku}",
                    "rental",
                    "active",
                    "new",
                    "Gazelle",
                    f"Model {sku}",
                    2022,
                    f"SN{index:09d}",
                    f"Store {index % 12}",
                    "2022-01-01",
                    f"{500 + sku * 10}.00",
                    ["S", "M", "L"][index % 3],
                    ["red", "blue", "black", "white"][index % 4],
                ]
            )


def write_events(path: Path, articles: int, rows: int) -> None:
    """``rows`` events spread over the articles, written round by round (time order)."""
    rng = random.Random(4)
    clock = [
        dt.datetime(2022, 1, 2, 9) + dt.timedelta(hours=rng.randrange(48)) for _ in range(articles)
    ]
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "article_number",
                "kind",
                "occurred_at",
                "ended_at",
                "revenue",
                "cost",
                "reference",
                "condition",
                "store",
                "status",
                "notes",
            ]
        )
        step = 0
        while written < rows:
            for index in range(articles):
                if written >= rows:
                    break
                start = clock[index]
                kind = rng.choice(KINDS)
                number = f"BK-{index:07d}"
                end = ""
                revenue = cost = condition = ""
                if kind in ("rental", "subscription"):
                    finish = start + dt.timedelta(hours=rng.randrange(4, 72))
                    end = finish.isoformat(timespec="minutes")
                    revenue = f"{rng.randrange(10, 90)}.{rng.randrange(100):02d}"
                    condition = rng.choice(CONDITIONS) if rng.random() < 0.2 else ""
                    clock[index] = finish + dt.timedelta(hours=rng.randrange(1, 30))
                elif kind == "maintenance":
                    finish = start + dt.timedelta(hours=rng.randrange(1, 10))
                    end = finish.isoformat(timespec="minutes")
                    cost = f"{rng.randrange(5, 60)}.00"
                    clock[index] = finish + dt.timedelta(hours=1)
                else:
                    if kind == "inspection":
                        condition = rng.choice(CONDITIONS)
                    elif kind == "income":
                        revenue = f"{rng.randrange(5, 40)}.00"
                    else:
                        cost = f"{rng.randrange(5, 40)}.50"
                    clock[index] = start + dt.timedelta(hours=rng.randrange(1, 5))
                writer.writerow(
                    [
                        number,
                        kind,
                        start.isoformat(timespec="minutes"),
                        end,
                        revenue,
                        cost,
                        f"{kind[:3].upper()}-{index}-{step}",
                        condition,
                        "",
                        "",
                        "",
                    ]
                )
                written += 1
            step += 1


def psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def run(*command: str) -> tuple[float, float, str]:
    """Run a manage.py command in its own process: (seconds, peak RSS in MB, output)."""
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DATABASE}"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    lines = output.strip().splitlines()
    return seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def fresh_database() -> None:
    psql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    psql(f'CREATE DATABASE "{DATABASE}"')
    run("migrate", "-v", "0")


def report(label: str, rows: int, seconds: float, rss: float, output: str) -> None:
    print(
        f"{label:<34} {rows:>9,} rows {seconds:8.1f} s {rows / seconds:9,.0f} rows/s "
        f"peak RSS {rss:7.0f} MB   {output}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    options = parser.parse_args()
    folder = Path("/tmp/inventory_bench_imports")
    folder.mkdir(exist_ok=True)
    articles = folder / f"articles-{options.articles}.csv"
    write_articles(articles, options.articles)
    for size in options.events:
        events = folder / f"events-{size}.csv"
        if not events.exists():
            write_events(events, options.articles, size)
        fresh_database()
        seconds, rss, output = run("import_articles", str(articles), "--no-progress")
        report("import_articles", options.articles, seconds, rss, output)
        seconds, rss, output = run("import_articles", str(articles), "--no-progress")
        report("  same file again (all skipped)", options.articles, seconds, rss, output)
        seconds, rss, output = run("import_events", str(events), "--no-progress")
        report(f"import_events ({size:,} rows)", size, seconds, rss, output)
        seconds, rss, output = run("import_events", str(events), "--no-progress")
        report("  same file again (all skipped)", size, seconds, rss, output)
        export = folder / f"export-{size}.csv"
        seconds, rss, output = run("export_events", str(export))
        report("export_events", size + options.articles, seconds, rss, output)
    psql(f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    main()
