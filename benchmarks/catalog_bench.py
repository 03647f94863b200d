"""Time the catalog list at scale on PostgreSQL against its target.

    .venv/bin/python benchmarks/catalog_bench.py [--items 1000] [--runs 7]

Uses the generated database of ``run.py`` (``inventory_bench``, made by
``manage.py generate_fleet``: 100 SKUs, 100,000 articles over five stores; it must
exist, nothing here builds it). Adds
``--items`` catalog items over its SKUs, about three in four products (one slot of one
to three alternatives) and the rest combinations (two or three slots, units of one or
two), one in ten for sale, inside a transaction that is rolled back at the end: the
database is left as it was, and other sessions never see the items. Then it times,
``--runs`` times each, the work of ``/catalog/`` through its view, logged in as a
superuser with no session:

- ``listing``: the selector alone (``catalog_listing`` over every item),
- ``page``: the list page, first page of 50 rows, rendered (target: under 200 ms),
- ``csv``: ``/catalog/?format=csv`` with every item,
- ``overview``: the start page ``/`` (whose "catalog items no article can serve"
  counts every active item's availability), through the test client, logged in as a
  user of the Manager group made inside the transaction,

and prints the median and the maximum in milliseconds. Nothing here asserts: timings
live in a benchmark, not in the test suite. ``BENCH_DATABASE_URL`` overrides the
database.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/inventory_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inventory_site.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from articles.models import Allocation  # noqa: E402
from catalog_link.models import CatalogItem, CatalogItemKind, Slot  # noqa: E402
from catalog_link.selectors import catalog_listing  # noqa: E402
from catalog_link.views import CatalogListView  # noqa: E402
from inventory_site.roles import MANAGER, role_group  # noqa: E402
from skus.models import SKU  # noqa: E402

TARGET_PAGE_MS = 200


def add_catalog(count: int, rng: random.Random) -> None:
    """``count`` items, their slots and alternatives in three bulk inserts. Straight
    rows, not ``catalog_item_save``: the point is the size, and the mix keeps the
    rules (a SKU once per item, kinds' slot counts)."""
    sku_ids = list(SKU.objects.values_list("pk", flat=True))
    items = CatalogItem.objects.bulk_create(
        CatalogItem(
            code=f"BENCH-{n:05d}",
            name=f"Benchmark item {n}",
            kind=CatalogItemKind.COMBINATION if n % 4 == 3 else CatalogItemKind.PRODUCT,
            purpose=Allocation.SALES if n % 10 == 9 else Allocation.RENTAL,
        )
        for n in range(count)
    )
    slots, alternatives = [], []
    for item in items:
        slot_count = rng.choice((2, 3)) if item.kind == CatalogItemKind.COMBINATION else 1
        picked = rng.sample(sku_ids, slot_count * 3)
        for position in range(slot_count):
            units = rng.choice((1, 1, 2)) if item.kind == CatalogItemKind.COMBINATION else 1
            slots.append(Slot(item=item, position=position + 1, units=units))
            alternatives.append(picked[position * 3 : position * 3 + rng.randint(1, 3)])
    Slot.objects.bulk_create(slots)
    Through = Slot.skus.through
    Through.objects.bulk_create(
        Through(slot_id=slot.pk, sku_id=sku_id)
        for slot, sku_ids_of_slot in zip(slots, alternatives, strict=True)
        for sku_id in sku_ids_of_slot
    )


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    work()  # warm: templates, the connection, the database's caches
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    rng = random.Random(12)
    view = CatalogListView.as_view()
    # A superuser has every permission without a query; it is never saved.
    user = get_user_model()(username="bench", is_superuser=True, is_active=True)

    def get(query: dict[str, str]) -> HttpResponse:
        request = RequestFactory().get("/catalog/", query)
        request.user = user
        response = view(request)
        if hasattr(response, "render"):
            response.render()
        assert response.status_code == 200, response.status_code
        return response

    with transaction.atomic():
        started = time.perf_counter()
        add_catalog(options.items, rng)
        print(f"added {options.items} items in {time.perf_counter() - started:.1f} s")
        csv_lines = get({"format": "csv"}).content.count(b"\n")
        print(f"csv rows: {csv_lines - 1}")
        manager = get_user_model().objects.create(username="catalog-bench-manager")
        manager.groups.add(role_group(MANAGER))
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(manager)

        def overview() -> None:
            response = client.get("/")
            assert response.status_code == 200, response.status_code

        results = {
            "listing": timed(
                options.runs,
                lambda: catalog_listing(items=CatalogItem.objects.order_by("code")),
            ),
            "page": timed(options.runs, lambda: get({})),
            "csv": timed(options.runs, lambda: get({"format": "csv"})),
            "overview": timed(options.runs, overview),
        }
        transaction.set_rollback(True)
    for name, seconds in results.items():
        target = f"  (target: under {TARGET_PAGE_MS} ms)" if name == "page" else ""
        print(
            f"{name:8} median {statistics.median(seconds) * 1000:7.1f} ms   "
            f"max {max(seconds) * 1000:7.1f} ms   over {len(seconds)} runs{target}"
        )


if __name__ == "__main__":
    main()
