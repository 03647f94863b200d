"""Time ``manage.py report`` at scale on PostgreSQL against its targets.

    .venv/bin/python benchmarks/reports_bench.py [--rebuild] [--runs N]

Builds, if it does not exist yet (or with ``--rebuild``), a PostgreSQL database
``inventory_bench`` holding 100 SKUs, 100,000 articles and about 2,000,000 events
written straight through COPY (not through the services: the point is the size, and
the generator keeps the ledger consistent itself: usages never overlap, disposals end
an article's history, open usages and open downtimes exist). Then it times, each as a
``manage.py`` subprocess against that database:

- ``report skus`` (target: under 5 s),
- ``report selloff`` (target: under 10 s),
- ``report articles --format csv`` (target: under 30 s),

and prints the seconds of every run. Nothing here asserts: timings live in a
benchmark, not in the test suite. ``BENCH_DATABASE_URL`` overrides the database.
"""

import argparse
import datetime as dt
import os
import random
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
SKUS = 100
ARTICLES = 100_000
STORES = ("Berlin", "Hamburg", "Munich", "Warehouse")
DATA_END = dt.datetime(2025, 6, 30, 18, 0, tzinfo=dt.UTC)
FIRST_PURCHASE = dt.date(2021, 1, 1)
LAST_PURCHASE = dt.date(2025, 5, 31)
CONDITIONS = ("new", "like_new", "good", "fair", "poor")
TARGETS = {"skus": 5, "selloff": 10, "articles": 30}

EVENT_COLUMNS = (
    "article_id, kind, occurred_at, ended_at, downtime, revenue, cost, reference, "
    "condition, status, notes, recorded_at, store_id"
)
ARTICLE_COLUMNS = (
    "id, number, sku_id, allocation, status, condition, store_id, manufacturer, model, "
    "serial_number, purchased_on, purchase_price, specifications, notes, disposed_at, "
    "created_at, updated_at, total_usage_count, total_revenue, total_expenses, "
    "total_sale_proceeds"
)


def _server_url() -> tuple[str, str]:
    base, name = DATABASE_URL.rsplit("/", 1)
    return f"{base}/postgres".replace("postgres://", "postgresql://", 1), name


def _conninfo() -> str:
    return DATABASE_URL.replace("postgres://", "postgresql://", 1)


def _ts(value: dt.datetime | None) -> str:
    return r"\N" if value is None else value.strftime("%Y-%m-%d %H:%M:%S+00")


def _money(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}"


def database_ready() -> bool:
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
    return count >= ARTICLES


def _count(connection: psycopg.Connection, table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return 0 if row is None else int(row[0])


def build_database() -> None:
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
    rng = random.Random(20250630)
    with psycopg.connect(_conninfo()) as connection:
        _load(connection, rng)
    print(f"built {name} in {time.perf_counter() - started:.0f} s", flush=True)


def _load(connection: psycopg.Connection, rng: random.Random) -> None:
    now = _ts(DATA_END)
    with connection.cursor() as cursor:
        for index, store in enumerate(STORES, start=1):
            cursor.execute(
                "INSERT INTO articles_store (id, name, address, created_at) "
                "VALUES (%s, %s, '', now())",
                [index, store],
            )
        prices = {}
        for sku_id in range(1, SKUS + 1):
            prices[sku_id] = rng.choice((150, 400, 900, 1800, 3200)) * rng.uniform(0.8, 1.2)
            cursor.execute(
                "INSERT INTO skus_sku (id, code, name, description, specifications, "
                "depreciation_rate, expected_lifetime_days, selloff_window_days, "
                "replacement_price, renewal_hurdle, next_article_sequence, created_at, "
                "updated_at) VALUES (%s, %s, %s, '', '{}', %s, %s, %s, NULL, NULL, 1000, "
                "now(), now())",
                [
                    sku_id,
                    f"SKU{sku_id:03d}",
                    f"Benchmark SKU {sku_id}",
                    rng.choice((None, None, "0.25", "0.15")),
                    rng.choice((None, 730, 1095, 1460)),
                    rng.choice((None, None, 180, 365)),
                ],
            )
        articles, events = [], []
        event_count = 0
        span = (LAST_PURCHASE - FIRST_PURCHASE).days
        for article_id in range(1, ARTICLES + 1):
            sku_id = rng.randint(1, SKUS)
            store_id = rng.randint(1, len(STORES))
            purchased_on = FIRST_PURCHASE + dt.timedelta(days=rng.randint(0, span))
            price = f"{prices[sku_id] * rng.uniform(0.9, 1.1):.2f}"
            start = dt.datetime.combine(purchased_on, dt.time.min, tzinfo=dt.UTC)
            allocation = "rental" if rng.random() < 0.95 else "sales"
            fate = rng.random()
            status, disposed_at, found = "active", None, False
            end = DATA_END
            if fate < 0.16:
                disposed_at = start + (DATA_END - start) * rng.uniform(0.6, 0.98)
                end = disposed_at
                status = "sold" if fate < 0.10 else "retired" if fate < 0.14 else "lost"
                if status == "lost" and rng.random() < 0.25:
                    found, status, disposed_at, end = True, "active", None, DATA_END
            condition = rng.choice(CONDITIONS)

            def event(
                kind,
                at,
                ended=None,
                revenue="0",
                cost="0",
                event_status="",
                _id=article_id,
                **extra,
            ):
                nonlocal event_count
                event_count += 1
                events.append(
                    "\t".join(
                        (
                            str(_id),
                            kind,
                            _ts(at),
                            _ts(ended),
                            "t" if extra.get("downtime") else "f",
                            revenue,
                            cost,
                            extra.get("reference", ""),
                            extra.get("condition", ""),
                            event_status,
                            "",
                            now,
                            str(extra["store"]) if "store" in extra else r"\N",
                        )
                    )
                )

            event("acquisition", start, condition="new", store=store_id)
            lost_at = None
            if allocation == "rental":
                usages = rng.randint(9, 23)
                slot = (end - start) / usages
                open_last = status == "active" and not found and rng.random() < 0.2
                for number in range(usages):
                    begin = start + slot * number + slot * rng.uniform(0, 0.3)
                    finish: dt.datetime | None = begin + slot * rng.uniform(0.1, 0.65)
                    if open_last and number == usages - 1:
                        finish = None
                    event(
                        rng.choice(("rental", "rental", "rental", "subscription")),
                        begin,
                        finish,
                        revenue=_money(rng, 5, 160),
                        reference=f"ORD-{article_id}-{number}",
                        condition=rng.choice(CONDITIONS) if finish else "",
                    )
            for _ in range(2):
                at = start + (end - start) * rng.uniform(0.05, 0.95)
                event(
                    rng.choice(("maintenance", "repair", "cleaning")), at, cost=_money(rng, 5, 80)
                )
            at = start + (end - start) * rng.uniform(0.05, 0.95)
            if rng.random() < 0.5:
                event("income", at, revenue=_money(rng, 5, 50))
            else:
                event("expense", at, cost=_money(rng, 5, 50))
            event("inspection", start + (end - start) * rng.uniform(0.1, 0.9), condition=condition)
            if found:
                lost_at = start + (DATA_END - start) * rng.uniform(0.3, 0.5)
            if disposed_at is not None:
                kind = {"sold": "sale", "retired": "retirement", "lost": "loss"}[status]
                revenue = _money(rng, 20, 400) if kind == "sale" else "0"
                event(kind, disposed_at, revenue=revenue)
            elif status == "active" and rng.random() < 0.05 and not found:
                status = "out_of_use"
                event(
                    "repair",
                    DATA_END - dt.timedelta(hours=rng.randint(1, 200)),
                    cost="0",
                    downtime=True,
                    event_status="out_of_use",
                )
            if found and lost_at is not None:
                # Lost between two rentals' slots is close enough for a benchmark.
                event("status_change", lost_at, event_status="lost")
                event("status_change", lost_at + dt.timedelta(days=9), event_status="active")
            articles.append(
                "\t".join(
                    (
                        str(article_id),
                        f"SKU{sku_id:03d}-{article_id:06d}",
                        str(sku_id),
                        allocation,
                        status,
                        condition,
                        str(store_id),
                        "Bench",
                        "Model",
                        "",
                        purchased_on.isoformat(),
                        price,
                        "{}",
                        "",
                        _ts(disposed_at),
                        now,
                        now,
                        "0",
                        "0",
                        "0",
                        "0",
                    )
                )
            )
        print(f"generated {len(articles)} articles and {event_count} events", flush=True)
        with cursor.copy(f"COPY articles_article ({ARTICLE_COLUMNS}) FROM STDIN") as copy:
            for offset in range(0, len(articles), 20_000):
                copy.write("\n".join(articles[offset : offset + 20_000]) + "\n")
        connection.commit()
        # The exclusion constraint's gist index is built once, after the load.
        cursor.execute("ALTER TABLE articles_event DROP CONSTRAINT event_usages_do_not_overlap")
        connection.commit()
        with cursor.copy(f"COPY articles_event ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for offset in range(0, len(events), 50_000):
                copy.write("\n".join(events[offset : offset + 50_000]) + "\n")
        connection.commit()
        cursor.execute(
            "ALTER TABLE articles_event ADD CONSTRAINT event_usages_do_not_overlap "
            "EXCLUDE USING gist (article_id WITH =, tstzrange(occurred_at, ended_at, '[)') "
            "WITH &&) WHERE (kind IN ('rental', 'subscription'))"
        )
        for table in ("articles_store", "skus_sku", "articles_article"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute(
            """
            UPDATE articles_article a SET
                total_usage_count = t.usages, total_revenue = t.revenue,
                total_expenses = t.expenses, total_sale_proceeds = t.sales
            FROM (
                SELECT article_id,
                       count(*) FILTER (WHERE kind IN ('rental', 'subscription')) AS usages,
                       coalesce(sum(revenue) FILTER (WHERE kind <> 'sale'), 0) AS revenue,
                       sum(cost) AS expenses,
                       coalesce(sum(revenue) FILTER (WHERE kind = 'sale'), 0) AS sales
                FROM articles_event GROUP BY article_id
            ) t
            WHERE t.article_id = a.id
            """
        )
    connection.commit()
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE")


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
    options = parser.parse_args()
    if options.rebuild or not database_ready():
        build_database()
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
