"""catalog.csv: import and export through ``catalog_item_save``, all or nothing, with
errors by line; the same file twice changes nothing, the export imports back."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Allocation
from catalog_link.models import CatalogItem, CatalogItemKind, Slot
from catalog_link.services import catalog_item_save
from interchange.catalog import catalog_import, parse_slots
from interchange.imports import ImportFailed
from tests.factories import SKUFactory

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,purpose,active,slots\n"


@pytest.fixture
def skus():
    return {code: SKUFactory.create(code=code) for code in ["HELMET", "CITYB-M", "CITYB-L"]}


def write(tmp_path, *lines, name="catalog.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def catalog():
    """Every item with its slots as (units, sorted SKU codes), comparable across saves."""
    return sorted(
        (
            item.code,
            item.name,
            item.kind,
            item.purpose,
            item.active,
            [
                (slot.units, sorted(sku.code for sku in slot.skus.all()))
                for slot in item.slots.order_by("position")
            ],
        )
        for item in CatalogItem.objects.all()
    )


def errors_of(path):
    with pytest.raises(ImportFailed) as failed:
        catalog_import(path=path)
    return [str(error) for error in failed.value.errors]


def test_parse_slots_reads_units_and_alternatives():
    assert parse_slots("2xHELMET|1xCITYB-M/CITYB-L") == [
        (2, ["HELMET"]),
        (1, ["CITYB-M", "CITYB-L"]),
    ]
    assert parse_slots("") == []


def test_import_adds_items_through_the_service(tmp_path, skus):
    path = write(
        tmp_path,
        "FAMILY,Family package,combination,rental,true,2xHELMET|1xCITYB-M/CITYB-L",
        "used,Used bike,product,sales,false,1xcityb-m",
        "FIT,Fitting,service,rental,yes,",
    )
    result = catalog_import(path=path)
    assert (result.added, result.updated, result.skipped) == (3, 0, 0)
    assert catalog() == [
        ("FAMILY", "Family package", "combination", "rental", True,
         [(2, ["HELMET"]), (1, ["CITYB-L", "CITYB-M"])]),
        ("FIT", "Fitting", "service", "rental", True, []),
        ("used", "Used bike", "product", "sales", False, [(1, ["CITYB-M"])]),
    ]  # fmt: skip


def test_importing_the_same_file_twice_changes_nothing(tmp_path, skus):
    path = write(tmp_path, "FAMILY,Family,combination,rental,true,2xHELMET|1xCITYB-M/CITYB-L")
    catalog_import(path=path)
    slot_ids = list(Slot.objects.values_list("pk", flat=True))
    result = catalog_import(path=path)
    assert (result.added, result.updated, result.skipped) == (0, 0, 1)
    assert list(Slot.objects.values_list("pk", flat=True)) == slot_ids


def test_import_updates_an_item_whose_row_differs(tmp_path, skus):
    catalog_import(path=write(tmp_path, "BIKE,Bike,product,rental,true,1xCITYB-M"))
    result = catalog_import(path=write(tmp_path, "bike,Bike,product,rental,true,2xCITYB-L"))
    assert (result.added, result.updated) == (0, 1)
    assert catalog() == [("bike", "Bike", "product", "rental", True, [(2, ["CITYB-L"])])]


def test_export_imports_back_to_the_same_catalog(tmp_path, skus):
    catalog_item_save(
        code="FAMILY",
        name="Family, with helmets",
        kind=CatalogItemKind.COMBINATION,
        purpose=Allocation.RENTAL,
        slots=[(2, [skus["HELMET"]]), (1, [skus["CITYB-M"], skus["CITYB-L"]])],
    )
    catalog_item_save(
        code="FIT", name="Fitting", kind=CatalogItemKind.SERVICE, purpose="rental", active=False
    )
    before = catalog()
    path = tmp_path / "out.csv"
    call_command("export_catalog", str(path), stderr=io.StringIO())
    assert path.read_text().splitlines() == [
        HEADER.strip(),
        'FAMILY,"Family, with helmets",combination,rental,true,2xHELMET|1xCITYB-L/CITYB-M',
        "FIT,Fitting,service,rental,false,",
    ]
    CatalogItem.objects.all().delete()
    call_command("import_catalog", str(path), stdout=io.StringIO())
    assert catalog() == before
    out = io.StringIO()
    call_command("import_catalog", str(path), stdout=out)
    assert "Added 0, updated 0, skipped 2." in out.getvalue()


def test_export_as_xlsx_imports_back(tmp_path, skus):
    catalog_item_save(
        code="BIKE", name="Bike", kind="product", purpose="rental", slots=[(1, [skus["HELMET"]])]
    )
    before = catalog()
    path = tmp_path / "catalog.xlsx"
    call_command("export_catalog", str(path), stderr=io.StringIO())
    CatalogItem.objects.all().delete()
    catalog_import(path=path)
    assert catalog() == before


def test_every_error_is_reported_with_its_line_and_nothing_is_written(tmp_path, skus):
    path = write(
        tmp_path,
        "OK,Fine,product,rental,true,1xHELMET",
        "K,Bad kind,gadget,rental,true,1xHELMET",
        "P,Bad purpose,product,lending,true,1xHELMET",
        "A,Bad active,product,rental,maybe,1xHELMET",
        "S,Bad slots,product,rental,true,HELMET",
        "U,Unknown SKU,product,rental,true,1xNOPE/HELMET",
        "ok,Twice,product,rental,true,1xHELMET",
        ",No code,product,rental,true,1xHELMET",
    )
    assert errors_of(path) == [
        "line 3, column kind: 'gadget' is not a kind; use product, service, combination.",
        "line 4, column purpose: 'lending' is not a purpose; use rental, sales.",
        "line 5, column active: 'maybe' is not true or false.",
        "line 6, column slots: Slot 1 ('HELMET') is not written as <units>x<SKU code>"
        "[/<SKU code>...], e.g. 2xHELMET or 1xCITYB-M/CITYB-L.",
        "line 7, column slots: There is no SKU NOPE.",
        "line 8, column code: ok is on line 2 too.",
        "line 9, column code: The code is empty.",
    ]
    assert not CatalogItem.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X,Product,product,rental,true,", "A product needs at least 1 slot; it has 0."),
        ("X,Package,combination,rental,true,1xHELMET", "needs at least 2 slots; it has 1."),
        ("X,Service,service,rental,true,1xHELMET", "A service needs no inventory"),
        (
            "X,Twice,combination,rental,true,1xHELMET|1xCITYB-M/HELMET",
            "HELMET is in slot 1 and slot 2; a SKU appears in at most one slot of an item.",
        ),
        ("X,None,product,rental,true,0xHELMET", "Slot 1 asks for 0 units; at least 1."),
    ],
)
def test_every_rule_of_the_service_is_refused_with_its_line(tmp_path, skus, row, message):
    path = write(tmp_path, "OK,Fine,product,rental,true,1xHELMET", row)
    (error,) = errors_of(path)
    assert error.startswith("line 3: ")
    assert message in error
    assert not CatalogItem.objects.exists()


def test_a_missing_column_is_refused(tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text("code,name,kind,purpose,active\nX,Y,service,rental,true\n")
    assert errors_of(path) == ["line 1, column slots: The header has no such column."]


def test_dry_run_writes_nothing(tmp_path, skus):
    out = io.StringIO()
    path = write(tmp_path, "BIKE,Bike,product,rental,true,1xCITYB-M")
    call_command("import_catalog", str(path), "--dry-run", stdout=out)
    assert "Would add 1, updated 0, skipped 0. Nothing was written (dry run)." in out.getvalue()
    assert not CatalogItem.objects.exists()


def test_command_fails_with_the_errors_by_line(tmp_path, skus):
    err = io.StringIO()
    path = write(tmp_path, "BIKE,Bike,product,rental,true,1xNOPE")
    with pytest.raises(CommandError, match="1 error; nothing was written"):
        call_command("import_catalog", str(path), stderr=err)
    assert "line 2, column slots: There is no SKU NOPE." in err.getvalue()


def test_a_name_a_spreadsheet_would_run_is_exported_as_text_and_reads_back(tmp_path):
    bikes = SKUFactory.create(code="CITY")
    catalog_item_save(
        code="FORMULA",
        name="=HYPERLINK(1)",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [bikes])],
    )
    path = tmp_path / "catalog.csv"
    call_command("export_catalog", str(path))
    assert "'=HYPERLINK(1)" in path.read_text(encoding="utf-8")
    CatalogItem.objects.all().delete()
    call_command("import_catalog", str(path))
    assert CatalogItem.objects.get(code="FORMULA").name == "=HYPERLINK(1)"
