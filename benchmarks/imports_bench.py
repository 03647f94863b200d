"""Benchmark of the imports: rows per second, peak memory, and the ratio to a COPY.

    .venv/bin/python benchmarks/imports_bench.py [--articles 20000] [--events 100000 1000000]
        [--runs 1] [--database inventory_bench_imports] [--json PATH]

Generates ``articles.csv`` and ``events.csv`` files under /tmp, imports them with
``manage.py import_articles`` / ``import_events`` into a fresh PostgreSQL database
(``--database``, dropped and created for each events size and run), each import in
its own process so that its peak resident memory is its own, and prints rows per
second and peak RSS. Re-importing the same events file (all rows skipped) is timed too.

The baseline is what the events import cannot beat: a plain ``COPY`` of the rows it
wrote (the same columns, already resolved to article ids, dumped from the imported
database) into ``articles_event`` of a copy of the database taken right after the
articles were imported, so the same articles, with every index, constraint and
trigger in place. The ratio is the import's seconds (the whole ``manage.py`` process)
over the COPY's (the statement and its commit). With ``--runs N`` every figure is the
median of N runs. ``--json PATH`` writes the results for a benchmark harness.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
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


def psql(sql: str, database: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/{database}", autocommit=True) as connection:
        connection.execute(sql)


def run(database: str, *command: str) -> tuple[float, float, str]:
    """Run a manage.py command in its own process: (seconds, peak RSS in MB, output)."""
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}"}
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


def fresh_database(database: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{database}"')
    psql(f'CREATE DATABASE "{database}"')
    run(database, "migrate", "-v", "0")


def columns() -> str:
    """The columns the events import writes, as it names them."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inventory_site.settings.local")
    django.setup()
    from interchange.imports.writing import EVENT_FIELDS

    return ", ".join(f'"{name}"' for name in EVENT_FIELDS)


def dump_imported(database: str, source: str, path: Path) -> int:
    """The events the import wrote, as COPY text in the columns it writes; their count."""
    import psycopg

    count = 0
    with (
        psycopg.connect(f"{SERVER}/{database}") as connection,
        connection.cursor() as cursor,
        path.open("wb") as handle,
        cursor.copy(
            f"COPY (SELECT {columns()} FROM articles_event WHERE source = %s ORDER BY id) "
            "TO STDOUT",
            [source],
        ) as copy,
    ):
        for block in copy:
            handle.write(block)
            count += bytes(block).count(b"\n")
    return count


def copy_in(database: str, path: Path) -> float:
    """Seconds of a COPY of ``path`` into the event table, with its commit."""
    import psycopg

    with psycopg.connect(f"{SERVER}/{database}") as connection:
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY articles_event ({columns()}) FROM STDIN") as copy,
            path.open("rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        connection.commit()
        return time.perf_counter() - started


def report(label: str, rows: int, seconds: float, rss: float, output: str) -> None:
    print(
        f"{label:<34} {rows:>9,} rows {seconds:8.1f} s {rows / seconds:9,.0f} rows/s "
        f"peak RSS {rss:7.0f} MB   {output}",
        flush=True,
    )


def timed(seconds: list[float], rss: list[float], rows: int) -> dict[str, Any]:
    median = statistics.median(seconds)
    return {
        "rows": rows,
        "seconds": round(median, 3),
        "rows_per_s": round(rows / median),
        "peak_rss_mb": round(max(rss)),
        "runs": [round(value, 3) for value in seconds],
    }


def measure_size(
    options: argparse.Namespace, folder: Path, articles: Path, size: int
) -> dict[str, Any]:
    """Import ``size`` events ``options.runs`` times (each into a fresh database), re-import
    them, and COPY what was written into a copy of the database as it was before."""
    database, baseline = options.database, f"{options.database}_copy"
    events = folder / f"events-{options.articles}-{size}.csv"
    if not events.exists():
        write_events(events, options.articles, size)
    dump = folder / f"copy-{options.articles}-{size}.tsv"
    seconds: dict[str, list[float]] = {"import": [], "again": [], "copy": []}
    rss: dict[str, list[float]] = {"import": [], "again": []}
    written = 0
    for _ in range(options.runs):
        fresh_database(database)
        took, peak, output = run(database, "import_articles", str(articles), "--no-progress")
        report("import_articles", options.articles, took, peak, output)
        psql(f'DROP DATABASE IF EXISTS "{baseline}"')
        psql(f'CREATE DATABASE "{baseline}" TEMPLATE "{database}"')
        took, peak, output = run(database, "import_events", str(events), "--no-progress")
        report(f"import_events ({size:,} rows)", size, took, peak, output)
        seconds["import"].append(took)
        rss["import"].append(peak)
        took, peak, output = run(database, "import_events", str(events), "--no-progress")
        report("  same file again (all skipped)", size, took, peak, output)
        seconds["again"].append(took)
        rss["again"].append(peak)
        written = dump_imported(database, events.name, dump)
        took = copy_in(baseline, dump)
        seconds["copy"].append(took)
        print(
            f"  COPY of the {written:,} rows written {took:8.1f} s "
            f"{written / took:9,.0f} rows/s   import/COPY {seconds['import'][-1] / took:.2f}",
            flush=True,
        )
        psql(f'DROP DATABASE IF EXISTS "{baseline}"')
    dump.unlink()
    result = timed(seconds["import"], rss["import"], size)
    copy_seconds = statistics.median(seconds["copy"])
    result.update(
        written=written,
        copy_seconds=round(copy_seconds, 3),
        copy_runs=[round(value, 3) for value in seconds["copy"]],
        ratio=round(result["seconds"] / copy_seconds, 2),
        reimport=timed(seconds["again"], rss["again"], size),
    )
    print(
        f"median of {options.runs}: import {result['seconds']:.1f} s, COPY "
        f"{copy_seconds:.1f} s, ratio {result['ratio']:.2f}, peak RSS {result['peak_rss_mb']} MB",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=1, help="runs per size; medians are kept")
    parser.add_argument("--database", default="inventory_bench_imports")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--no-export", action="store_true", help="skip timing export_events")
    options = parser.parse_args()
    folder = Path("/tmp/inventory_bench_imports")
    folder.mkdir(exist_ok=True)
    articles = folder / f"articles-{options.articles}.csv"
    write_articles(articles, options.articles)
    sizes = []
    for size in options.events:
        sizes.append(measure_size(options, folder, articles, size))
        if not options.no_export:
            export = folder / f"export-{size}.csv"
            took, peak, output = run(options.database, "export_events", str(export))
            report("export_events", size + options.articles, took, peak, output)
            export.unlink()
    psql(f'DROP DATABASE IF EXISTS "{options.database}"')
    if options.json:
        results = {
            "articles": options.articles,
            "runs": options.runs,
            "load_average": [round(value, 2) for value in os.getloadavg()],
            "sizes": sizes,
        }
        options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
