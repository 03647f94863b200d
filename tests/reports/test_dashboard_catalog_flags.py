"""The start page flags where the catalog and the fleet do not meet: SKUs that no
active catalog item uses, and active items that no article can serve now; in the same
number of queries however many there are."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Allocation, Status
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.services import catalog_item_save
from reports.dashboard import FLAGGED_SHOWN
from tests.factories import ArticleFactory, SKUFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")


@pytest.fixture(autouse=True)
def no_catalog_left_over():
    """Start from an empty catalog: a module-scoped fixture elsewhere in the suite may
    leave items behind (rolled back with this test)."""
    CatalogItem.objects.all().delete()


@pytest.fixture
def catalog_viewer(client):
    user = UserFactory.create(is_staff=False)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "view_catalogitem"])
    )
    client.force_login(user)
    return client


@pytest.fixture
def shop():
    """BIKE (2 available), HELMET (1 out of use only), SPARE (used by no item), OLD
    (used only by an inactive item); items: BIKE-DAY (servable), HELMET-DAY (not),
    FAMILY (needs a helmet: not), OLD-DAY (inactive), REPAIR (a service)."""
    store = StoreFactory.create(name="Innsbruck")
    bike, helmet = SKUFactory.create(code="BIKE"), SKUFactory.create(code="HELMET")
    spare, old = SKUFactory.create(code="SPARE"), SKUFactory.create(code="OLD")
    ArticleFactory.create_batch(2, sku=bike, store=store)
    ArticleFactory.create(sku=helmet, store=store, status=Status.OUT_OF_USE)
    ArticleFactory.create(sku=old, store=store)
    product, rental = CatalogItemKind.PRODUCT, Allocation.RENTAL
    catalog_item_save(
        code="BIKE-DAY", name="Bike", kind=product, purpose=rental, slots=[(1, [bike])]
    )
    catalog_item_save(
        code="HELMET-DAY", name="Helmet", kind=product, purpose=rental, slots=[(1, [helmet])]
    )
    catalog_item_save(
        code="FAMILY",
        name="Family",
        kind=CatalogItemKind.COMBINATION,
        purpose=rental,
        slots=[(2, [bike]), (1, [helmet])],
    )
    catalog_item_save(
        code="OLD-DAY", name="Old", kind=product, purpose=rental, active=False, slots=[(1, [old])]
    )
    catalog_item_save(
        code="REPAIR", name="Repair", kind=CatalogItemKind.SERVICE, purpose=rental, slots=[]
    )
    return {"bike": bike, "helmet": helmet, "spare": spare, "old": old}


def links(html: str, list_id: str) -> list[str]:
    start = html.index(f'<ul id="{list_id}">')
    return [
        part.split('"')[0] for part in html[start : html.index("</ul>", start)].split('href="')[1:]
    ]


def test_flags_unused_skus_and_unservable_active_items_with_links(catalog_viewer, shop):
    html = catalog_viewer.get(DASHBOARD).content.decode()
    assert links(html, "unservable-items") == [
        reverse("catalog_link:detail", args=["FAMILY"]),
        reverse("catalog_link:detail", args=["HELMET-DAY"]),
    ]
    assert links(html, "unused-skus") == [
        reverse("skus:detail", args=[shop["old"].code]),
        reverse("skus:detail", args=[shop["spare"].code]),
    ]
    assert "FAMILY · Family" in html
    assert "SPARE · " in html


def test_nothing_is_flagged_when_catalog_and_fleet_meet(catalog_viewer):
    store = StoreFactory.create()
    bike = SKUFactory.create(code="BIKE")
    ArticleFactory.create(sku=bike, store=store)
    catalog_item_save(
        code="BIKE-DAY",
        name="Bike",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [bike])],
    )
    html = catalog_viewer.get(DASHBOARD).content.decode()
    assert 'id="unservable-items"' not in html
    assert 'id="unused-skus"' not in html


def test_flags_are_shown_only_to_those_who_may_see_the_catalog(client, shop):
    user = UserFactory.create(is_staff=False)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    html = client.get(DASHBOARD).content.decode()
    assert "unservable-items" not in html
    assert "unused-skus" not in html


def test_long_flags_show_the_first_few_and_count_the_rest(catalog_viewer):
    for n in range(FLAGGED_SHOWN + 3):
        sku = SKUFactory.create(code=f"S{n:02d}")
        catalog_item_save(
            code=f"I{n:02d}",
            name=f"Item {n}",
            kind=CatalogItemKind.PRODUCT,
            purpose=Allocation.RENTAL,
            slots=[(1, [sku])],
        )
    SKUFactory.create_batch(FLAGGED_SHOWN + 2)
    html = catalog_viewer.get(DASHBOARD).content.decode()
    assert len(links(html, "unservable-items")) == FLAGGED_SHOWN + 1  # and the list's link
    assert "and 3 more" in html
    assert len(links(html, "unused-skus")) == FLAGGED_SHOWN
    assert "and 2 more" in html


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_flags_take_a_fixed_number_of_queries(catalog_viewer, shop):
    # Availability counts articles once per purpose: both purposes are there from the start.
    catalog_item_save(
        code="BIKE-SALE",
        name="Bike for sale",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.SALES,
        slots=[(1, [shop["bike"]])],
    )
    few = dashboard_queries(catalog_viewer)
    for n in range(25):
        skus = [SKUFactory.create(), SKUFactory.create()]
        catalog_item_save(
            code=f"MORE{n}",
            name=f"More {n}",
            kind=CatalogItemKind.COMBINATION,
            purpose=Allocation.SALES if n % 2 else Allocation.RENTAL,
            slots=[(1, [skus[0], shop["bike"]]), (2, [skus[1]])],
        )
    many = dashboard_queries(catalog_viewer)
    assert many == few
    # Session and user, the counts (2), the four lists (4), the monthly totals, the
    # catalog flags: each list reads its own index, which is cheaper than one statement.
    assert many <= 24
