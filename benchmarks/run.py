"""Benchmark the back office at a fleet size: pages, report commands against their SQL
floors, imports; print the results and write them as Markdown (``make benchmark``).

    .venv/bin/python benchmarks/run.py [--articles 100000] [--runs 7] [--only SECTION ...]
                                       [--database NAME] [--output PATH]

The database (PostgreSQL at 127.0.0.1:5432, ``BENCH_PG_SERVER`` overrides it) is
``inventory_bench`` for 100,000 articles, ``inventory_bench_10k`` for 10,000 and
``inventory_bench_<N>`` otherwise: built with ``manage.py generate_fleet --articles N
--events-per-article 20 --seed 1`` and ``VACUUM ANALYZE`` when missing or of another
size, reused otherwise. ``--database`` names one to use as it is (a copy: the kept
reports' cold runs delete its kept rows). Sections (``--only``): ``pages`` (the staff
pages and the admin, the kept reports warm and cold), ``commands`` (``manage.py report
skus|selloff|articles --format csv`` as of today and as of 2025-06-30, each with its
hand-written SQL floor in ``benchmarks/floors/``, the ratio between them and whether
the floor computes the same figures), ``imports`` (``benchmarks/imports_bench.py``).
Every timing is one warm-up and ``--runs`` timed runs (p50, p95). Nothing here asserts:
timings live in a benchmark, not in the test suite. The results go to
``benchmarks/results/<today>-<size>.md`` unless ``--output`` says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from harness import fleet
from harness.common import ROOT, setup_django

SECTIONS = ("pages", "commands", "imports")


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="fleet size")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (p50, p95)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="sections to run")
    parser.add_argument("--database", help="use this database as it is (never rebuilt)")
    parser.add_argument("--output", type=Path, help="the Markdown results file")
    parser.add_argument("--import-articles", type=int, help="imports_bench.py --articles")
    parser.add_argument("--import-events", type=int, nargs="+", help="imports_bench.py --events")
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    return options


def main() -> None:
    options = _options()
    sections = options.only or SECTIONS
    name = options.database or fleet.database_name(options.articles)
    done = fleet.ensure(name, options.articles, may_build=options.database is None)
    today = dt.date.today()
    output = options.output or (
        ROOT
        / "benchmarks"
        / "results"
        / f"{today.isoformat()}-{fleet.size_label(options.articles)}.md"
    )
    load_before = fleet.load_average()
    setup_django(name)
    # Django is set up: the parts that read models and settings can be imported.
    from harness import results
    from harness.commands import run_imports, time_commands, time_startup
    from harness.pages import time_pages

    data = fleet.fleet(name)
    print(
        f"{name} ({done}): {data.articles:,} articles, {data.events:,} events, "
        f"{data.skus} SKUs, {data.catalog_items} catalog items; load {load_before}",
        flush=True,
    )
    lines: list[str] = []
    if "pages" in sections:
        pages = time_pages(
            options.runs,
            kept=True,
            report=lambda result: print(results.page_line(result), flush=True),
        )
        lines += results.pages_section(pages)
    if "commands" in sections:
        commands = time_commands(
            name,
            options.runs,
            report=lambda result: print(results.command_line(result), flush=True),
        )
        startup = time_startup(name, options.runs)
        print(f"manage.py check (start-up): p50 {startup.p50:.2f} s", flush=True)
        lines += results.commands_section(commands, startup)
    if "imports" in sections:
        imports = run_imports(options.import_articles, options.import_events)
        if imports is None:
            print("imports: run benchmarks/imports_bench.py", flush=True)
        lines += results.imports_section(imports)
    facts = fleet.machine(name) | {
        "load average (1 / 5 / 15 min) before": load_before,
        "load average after": fleet.load_average(),
        "database": f"`{name}` ({done})",
        "fleet": f"{data.articles:,} articles, {data.events:,} events, {data.skus} SKUs, "
        f"{data.catalog_items:,} catalog items",
        "runs": f"1 warm-up, {options.runs} timed",
    }
    title = f"# Benchmark at {data.articles:,} articles, {today.isoformat()}"
    text = "\n".join([title, "", *results.machine_section(facts), *lines])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"written to {output}", flush=True)


if __name__ == "__main__":
    main()
