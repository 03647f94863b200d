"""The catalog pages: the list with its filters, ordering and CSV, one item, and adding
or editing an item, whose every refusal is the service's own words."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.models import Allocation
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.services import catalog_item_save
from interchange.tabular import spreadsheet_text
from tests.factories import ArticleFactory, SKUFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("catalog_link:list")
ADD = reverse("catalog_link:add")


def staff_with(*codenames):
    user = UserFactory.create()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def viewer(client):
    client.force_login(staff_with("view_catalogitem"))
    return client


@pytest.fixture
def manager(client):
    client.force_login(staff_with("view_catalogitem", "change_catalogitem"))
    return client


@pytest.fixture
def shop():
    """Airport: 2 CITY-M, 1 HELMET. Centre: 1 CITY-L. Seefeld: nothing."""
    airport, centre = StoreFactory.create(name="Airport"), StoreFactory.create(name="Centre")
    StoreFactory.create(name="Seefeld")
    city_m = SKUFactory.create(code="CITY-M", name="City bike M")
    city_l = SKUFactory.create(code="CITY-L", name="City bike L")
    helmet = SKUFactory.create(code="HELMET", name="Helmet")
    ArticleFactory.create_batch(2, sku=city_m, store=airport)
    ArticleFactory.create(sku=helmet, store=airport)
    ArticleFactory.create(sku=city_l, store=centre)
    catalog_item_save(
        code="FAMILY",
        name="Bike and helmet",
        kind=CatalogItemKind.COMBINATION,
        purpose=Allocation.RENTAL,
        slots=[(1, [city_m, city_l]), (1, [helmet])],
    )
    catalog_item_save(
        code="CITY",
        name="City bike",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [city_m, city_l])],
    )
    catalog_item_save(
        code="=FIT",
        name="-fitting, +1",
        kind=CatalogItemKind.SERVICE,
        purpose=Allocation.RENTAL,
        active=False,
    )
    return {"city_m": city_m, "city_l": city_l, "helmet": helmet}


def codes(response):
    return [row["code"] for row in response.context["table"].data]


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_list_shows_slots_in_words_and_availability_per_store(viewer, shop):
    response = viewer.get(LIST)
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.context["table"].data}
    assert rows["FAMILY"]["slots"] == "1 × City bike L or City bike M + 1 × Helmet"
    assert rows["FAMILY"]["available"] == 1
    assert rows["CITY"]["available"] == 3
    assert rows["=FIT"]["available"] is None
    html = response.content.decode()
    for store in ("Airport", "Centre", "Seefeld"):
        assert f">{store}<" in html


def test_list_filters_by_kind_purpose_active_and_store(viewer, shop):
    assert codes(viewer.get(LIST, {"kind": "combination"})) == ["FAMILY"]
    assert codes(viewer.get(LIST, {"purpose": "sales"})) == []
    assert codes(viewer.get(LIST, {"active": "false"})) == ["=FIT"]
    response = viewer.get(LIST, {"store": shop["helmet"].articles.get().store.pk})
    headers = [column.header for column in response.context["table"].columns]
    assert headers[headers.index("Available now, all stores") + 1] == "Airport"
    assert "Centre" not in headers


def test_not_available_keeps_the_items_none_can_be_handed_out_of(viewer, shop):
    assert codes(viewer.get(LIST, {"not_available": "on"})) == []
    centre = shop["city_l"].articles.get().store
    # In the centre there is a bike but no helmet: the package is not available there.
    assert codes(viewer.get(LIST, {"not_available": "on", "store": centre.pk})) == ["FAMILY"]


def test_list_orders_by_availability(viewer, shop):
    assert codes(viewer.get(LIST, {"sort": "-available"})) == ["CITY", "FAMILY", "=FIT"]


def test_csv_has_the_columns_a_column_per_store_and_empty_figures_for_a_service(viewer, shop):
    response = viewer.get(LIST, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response)
    assert header == [
        "code", "name", "kind", "purpose", "active", "slots", "available",
        "Airport", "Centre", "Seefeld",
    ]  # fmt: skip
    assert rows == [
        ["'=FIT", "'-fitting, +1", "service", "rental", "false", "", "", "", "", ""],
        ["CITY", "City bike", "product", "rental", "true", "1 × City bike L or City bike M",
         "3", "2", "1", "0"],
        ["FAMILY", "Bike and helmet", "combination", "rental", "true",
         "1 × City bike L or City bike M + 1 × Helmet", "1", "1", "0", "0"],
    ]  # fmt: skip


def test_csv_follows_the_filters(viewer, shop):
    header, *rows = read_csv(viewer.get(LIST, {"format": "csv", "kind": "product"}))
    assert [row[0] for row in rows] == ["CITY"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_spreadsheet_text_quotes_what_a_spreadsheet_would_run(start):
    assert spreadsheet_text(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_text("a=1") == "a=1"


def test_list_needs_the_view_permission(client, shop):
    client.force_login(staff_with())
    assert client.get(LIST).status_code == 403


def test_list_queries_do_not_grow_with_items_slots_and_alternatives(
    viewer, django_assert_max_num_queries
):
    stores = StoreFactory.create_batch(3)
    skus = SKUFactory.create_batch(6)
    for index, sku in enumerate(skus):
        ArticleFactory.create_batch(2, sku=sku, store=stores[index % 3])

    def add_items(count, start):
        for n in range(start, start + count):
            catalog_item_save(
                code=f"ITEM{n:03d}",
                name=f"Item {n}",
                kind=CatalogItemKind.COMBINATION,
                purpose=Allocation.RENTAL if n % 2 else Allocation.SALES,
                slots=[(1, skus[:2]), (2, skus[2:4]), (1, skus[4:])],
            )

    add_items(2, 0)
    with django_assert_max_num_queries(40) as few:
        viewer.get(LIST)
    add_items(28, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = viewer.get(LIST)
    assert len(response.context["table"].data) == 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        viewer.get(LIST, {"format": "csv"})


def test_item_page_shows_availability_and_the_articles_that_could_serve_it(viewer, shop):
    response = viewer.get(reverse("catalog_link:detail", args=["family"]))
    assert response.status_code == 200
    assert {store.name: n for store, n in response.context["figures"].per_store.items()} == {
        "Airport": 1,
        "Centre": 0,
        "Seefeld": 0,
    }
    bikes, helmets = response.context["serving"]
    assert {s.name: len(a) for s, a in bikes.per_store.items()} == {"Airport": 2, "Centre": 1}
    assert {s.name: len(a) for s, a in helmets.per_store.items()} == {"Airport": 1}
    assert reverse("skus:detail", args=[shop["helmet"].code]) in response.content.decode()


def test_item_page_queries_do_not_grow_with_articles(viewer, shop, django_assert_max_num_queries):
    url = reverse("catalog_link:detail", args=["FAMILY"])
    with django_assert_max_num_queries(40) as few:
        viewer.get(url)
    ArticleFactory.create_batch(25, sku=shop["helmet"], store=StoreFactory.create())
    with django_assert_max_num_queries(len(few.captured_queries)):
        viewer.get(url)


def test_unknown_item_is_not_found(viewer, shop):
    assert viewer.get(reverse("catalog_link:detail", args=["NOPE"])).status_code == 404


# --- adding and editing ---------------------------------------------------------------


def form_data(*slots, code="NEW", kind=CatalogItemKind.PRODUCT, initial=0, extra=3, **fields):
    """The POST of the edit page: ``slots`` as (units, skus, delete) for the forms."""
    data = {
        "code": code,
        "name": "New item",
        "kind": kind,
        "purpose": Allocation.RENTAL,
        "active": "on",
        "slots-TOTAL_FORMS": str(max(len(slots), initial + extra)),
        "slots-INITIAL_FORMS": str(initial),
        **fields,
    }
    for index in range(len(slots), max(len(slots), initial + extra)):
        data[f"slots-{index}-units"] = "1"  # a blank slot as the browser sends it
    for index, (units, skus, *delete) in enumerate(slots):
        data[f"slots-{index}-units"] = str(units)
        data[f"slots-{index}-skus"] = [str(sku.pk) for sku in skus]
        if delete:
            data[f"slots-{index}-DELETE"] = "on"
    return data


def refusals(response):
    return list(response.context["form"].non_field_errors())


def test_add_saves_an_item_with_its_slots(manager, shop):
    response = manager.post(
        ADD, form_data((2, [shop["helmet"]]), (1, [shop["city_m"]]), kind="combination")
    )
    item = CatalogItem.objects.get(code="NEW")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog_link:detail", args=["NEW"])
    assert [(slot.units, [sku.code for sku in slot.skus.all()]) for slot in item.slots.all()] == [
        (2, ["HELMET"]),
        (1, ["CITY-M"]),
    ]


@pytest.mark.parametrize(
    ("kind", "slots", "message"),
    [
        ("product", [], "A product needs at least 1 slot; it has 0."),
        ("combination", [(1, ["helmet"])], "needs at least 2 slots; it has 1."),
        ("service", [(1, ["helmet"])], "A service needs no inventory; remove its slots."),
        (
            "combination",
            [(1, ["helmet"]), (1, ["city_m", "helmet"])],
            "HELMET is in slot 1 and slot 2; a SKU appears in at most one slot of an item.",
        ),
        ("product", [(0, ["helmet"])], "Slot 1 asks for 0 units; at least 1."),
        ("product", [(2, [])], "Slot 1 names no SKU."),
    ],
)
def test_add_refuses_every_rule_in_the_services_words(manager, shop, kind, slots, message):
    data = form_data(
        *((units, [shop[name] for name in names]) for units, names in slots), kind=kind
    )
    response = manager.post(ADD, data)
    assert response.status_code == 200
    assert len(refusals(response)) == 1
    assert message in refusals(response)[0]
    assert not CatalogItem.objects.filter(code="NEW").exists()


def test_add_refuses_a_code_that_exists(manager, shop):
    response = manager.post(ADD, form_data((1, [shop["helmet"]]), code="family"))
    assert "A catalog item with this code already exists." in refusals(response)


def test_edit_replaces_fields_and_slots_and_removes_a_slot(manager, shop):
    url = reverse("catalog_link:edit", args=["FAMILY"])
    page = manager.get(url)
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 5
    data = form_data(
        (1, [shop["city_m"]]),
        (1, [shop["helmet"]], "delete"),
        code="FAMILY",
        kind="product",
        initial=2,
        name="Bike only",
    )
    response = manager.post(url, data)
    assert response.status_code == 302
    item = CatalogItem.objects.get(code="FAMILY")
    assert (item.name, item.kind) == ("Bike only", "product")
    assert [[sku.code for sku in slot.skus.all()] for slot in item.slots.all()] == [["CITY-M"]]


def test_edit_refusal_keeps_the_saved_item(manager, shop):
    url = reverse("catalog_link:edit", args=["FAMILY"])
    data = form_data(
        (1, [shop["city_m"]]), (1, [shop["helmet"]], "delete"), code="FAMILY", initial=2,
        kind="combination",
    )  # fmt: skip
    response = manager.post(url, data)
    assert "needs at least 2 slots; it has 1." in refusals(response)[0]
    assert CatalogItem.objects.get(code="FAMILY").slots.count() == 2


def test_adding_needs_the_change_permission(viewer, shop):
    assert viewer.get(ADD).status_code == 403
    assert viewer.post(ADD, form_data((1, [shop["helmet"]]))).status_code == 403
    assert not CatalogItem.objects.filter(code="NEW").exists()


@pytest.mark.parametrize("per_page", ["-1", "0", "abc", "1000000"])
def test_list_keeps_fifty_a_page_whatever_per_page_asks(viewer, shop, per_page):
    response = viewer.get(reverse("catalog_link:list"), {"per_page": per_page})

    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == 50
