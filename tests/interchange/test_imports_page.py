"""``/imports/``: a Manager's page to upload a file, see its dry run (its rows, or every
error by line), confirm it (all or nothing), and download the three files."""

import csv
import datetime as dt
import io
from typing import cast

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.worksheet.worksheet import Worksheet

from articles import services
from articles.models import Article, Event, EventKind
from catalog_link.models import CatalogItem
from interchange.uploads import UPLOAD_FOLDER
from skus.models import SKU
from tests.factories import ArticleFactory, SKUFactory
from tests.interchange.import_helpers import snapshot

pytestmark = pytest.mark.django_db

PAGE = reverse("interchange:imports")
CONFIRM = reverse("interchange:confirm")

HEADER = "number,sku_code,sku_name,store,purchased_on,purchase_price,manufacturer\n"
ARTICLES = HEADER + (
    "B-1,CITY,City bike,Main,2025-01-10,800,Velo\n"
    "B-2,CITY,City bike,Main,2025-01-11,820,Velo\n"
    "B-3,CITY,City bike,Airport,2025-01-12,840,Velo\n"
)
ONE_BAD_ROW = HEADER + (
    "B-1,CITY,City bike,Main,2025-01-10,800,Velo\n"
    "B-2,CITY,City bike,Main,2025-02-30,820,Velo\n"
    "B-3,CITY,City bike,Airport,2025-01-12,840,Velo\n"
)
BAD_ARTICLES = HEADER + (
    "B-1,CITY,City bike,Main,2025-02-30,800,Velo\n"
    "B-2,CITY,City bike,Main,2025-01-11,lots,Velo\n"
    "B-1,CITY,City bike,Main,2025-01-11,800,Velo\n"
)


def upload(client, text: str | bytes, *, what: str = "articles", name: str = "articles.csv"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(PAGE, {"what": what, "file": SimpleUploadedFile(name, content)})


def confirm(client, what: str = "articles"):
    return client.post(CONFIRM, {"what": what, "confirm": ""}, follow=True)


def waiting_files() -> set:
    return set(UPLOAD_FOLDER.glob("*")) if UPLOAD_FOLDER.exists() else set()


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


# --- who may use the page ------------------------------------------------------------


def test_the_page_asks_for_a_login(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["viewer", "staff"])
@pytest.mark.parametrize(
    "method, url",
    [
        ("get", PAGE),
        ("post", PAGE),
        ("post", CONFIRM),
        ("get", reverse("interchange:export", args=["articles"])),
    ],
)
def test_viewers_and_staff_are_refused(client, request, role, method, url):
    client.force_login(request.getfixturevalue(role))

    response = getattr(client, method)(url, {"what": "articles"})

    assert response.status_code == 403


def test_staff_writes_nothing_with_a_direct_post(client, staff):
    client.force_login(staff)
    before = snapshot()

    response = upload(client, ARTICLES)

    assert response.status_code == 403
    assert snapshot() == before


def test_a_manager_gets_the_upload_form_and_the_downloads(client, manager):
    client.force_login(manager)

    response = client.get(PAGE)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    for what in ("articles", "events", "catalog"):
        assert f'value="{what}"' in page
        assert reverse("interchange:export", args=[what]) in page


def test_the_header_links_the_page_for_managers_only(client, staff, manager):
    catalog = reverse("catalog_link:list")
    client.force_login(staff)
    assert PAGE not in client.get(catalog).content.decode()

    client.force_login(manager)
    assert f'href="{PAGE}"' in client.get(catalog).content.decode()


def test_a_manager_without_catalog_rights_is_not_offered_the_catalog(client, manager):
    manager.user_permissions.set([])
    manager.groups.clear()
    manager.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "view_money",
                "add_article",
                "change_article",
                "correct_ledger",
                "view_article",
            ]
        )
    )
    client.force_login(manager)

    page = client.get(PAGE).content.decode()
    refused = upload(client, "code,name,kind,purpose,active,slots\n", what="catalog")

    assert 'value="articles"' in page
    assert 'value="catalog"' not in page
    assert "Select a valid choice" in refused.content.decode()


# --- the dry run -------------------------------------------------------------------


def test_the_dry_run_lists_the_rows_and_writes_nothing(client, manager):
    client.force_login(manager)
    before = snapshot()

    response = upload(client, ARTICLES)

    page = response.content.decode()
    assert response.status_code == 200
    assert "articles.csv has no errors" in page
    assert "will add <strong>3</strong> articles" in page
    assert "Its 3 rows" in page
    for number in ("B-1", "B-2", "B-3"):
        assert f"<td>{number}</td>" in page
    assert snapshot() == before


def test_the_dry_run_shows_the_first_rows_with_their_count(client, manager, monkeypatch):
    monkeypatch.setattr("interchange.views.SAMPLE_ROWS", 2)
    client.force_login(manager)

    page = upload(client, ARTICLES).content.decode()

    assert "The first 2 of its 3 rows" in page
    assert "<td>B-2</td>" in page
    assert "<td>B-3</td>" not in page


def test_every_error_is_listed_by_line_and_nothing_is_written(client, manager):
    client.force_login(manager)
    before = snapshot()

    response = upload(client, BAD_ARTICLES)

    page = response.content.decode()
    assert "articles.csv cannot be imported" in page
    assert "Nothing was written." in page
    assert '<td class="num">2</td><td>purchased_on</td>' in page
    assert '<td class="num">3</td><td>purchase_price</td>' in page
    assert "The article number B-1 is already on line 2." in page
    assert snapshot() == before


def test_a_long_list_of_errors_says_how_many_are_not_shown(client, manager, monkeypatch):
    monkeypatch.setattr("interchange.views.ERRORS_SHOWN", 2)
    client.force_login(manager)

    page = upload(client, BAD_ARTICLES).content.decode()

    assert "3 problems found; the first 2 are listed below." in page
    assert "And 1 more problem not listed here." in page
    assert "already on line 2" not in page


def test_a_refused_file_is_not_kept(client, manager):
    client.force_login(manager)
    before = waiting_files()

    upload(client, BAD_ARTICLES)

    assert waiting_files() == before
    assert "imports_page_articles" not in client.session


# --- confirming ---------------------------------------------------------------------


def test_confirming_imports_every_row_and_says_so(client, manager):
    client.force_login(manager)
    files_before = waiting_files()
    upload(client, ARTICLES)

    response = confirm(client)

    page = response.content.decode()
    assert response.status_code == 200
    assert "articles.csv is imported" in page
    assert "Added <strong>3</strong> articles, updated <strong>0</strong>" in page
    assert sorted(Article.objects.values_list("number", flat=True)) == ["B-1", "B-2", "B-3"]
    assert Event.objects.filter(kind=EventKind.ACQUISITION, recorded_by=manager).count() == 3
    assert waiting_files() == files_before


def test_the_result_is_shown_once(client, manager):
    client.force_login(manager)
    upload(client, ARTICLES)
    confirm(client)

    page = client.get(PAGE).content.decode()

    assert "is imported" not in page


def test_a_file_with_one_bad_row_writes_nothing(client, manager):
    client.force_login(manager)
    before = snapshot()

    refused = upload(client, ONE_BAD_ROW)
    response = confirm(client)

    assert "1 problem found" in refused.content.decode()
    assert "There is no checked file waiting to be imported" in response.content.decode()
    assert snapshot() == before


def test_a_confirmation_refused_by_a_change_meanwhile_writes_nothing(client, manager):
    bike = services.article_create(
        sku=SKUFactory.create(code="CITY"),
        store=services.store_get_or_create(name="Main"),
        number="B-1",
        purchased_on=dt.date(2025, 1, 1),
        purchase_price="800",
    )
    events = (
        "article_number,kind,occurred_at,ended_at,revenue\n"
        "B-1,rental,2025-05-01T10:00,2025-05-03T10:00,40\n"
    )
    client.force_login(manager)
    upload(client, events, what="events", name="events.csv")
    services.article_sell(
        article=bike, occurred_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC), price="500"
    )
    before = snapshot()

    response = client.post(CONFIRM, {"what": "events", "confirm": ""})

    assert "events.csv cannot be imported" in response.content.decode()
    assert snapshot() == before


def test_cancel_drops_the_checked_file(client, manager):
    client.force_login(manager)
    files_before = waiting_files()
    upload(client, ARTICLES)

    response = client.post(CONFIRM, {"what": "articles", "cancel": ""}, follow=True)

    assert "articles.csv was not imported; nothing was written." in response.content.decode()
    assert waiting_files() == files_before
    assert not Article.objects.exists()


def test_events_and_the_catalog_import_through_the_page(client, manager):
    sku = SKUFactory.create(code="CITY")
    ArticleFactory.create(number="B-1", sku=sku)
    client.force_login(manager)

    upload(client, "article_number,kind,occurred_at,notes\nB-1,note,2025-05-02,Hi\n", what="events")
    confirm(client, "events")
    upload(
        client,
        "code,name,kind,purpose,active,slots\nDAY,Bike day,product,rental,true,1xCITY\n",
        what="catalog",
        name="catalog.csv",
    )
    confirm(client, "catalog")

    assert Event.objects.filter(kind=EventKind.NOTE, notes="Hi").count() == 1
    assert CatalogItem.objects.filter(code="DAY").exists()


def test_a_workbook_is_checked_like_a_csv_file(client, manager):
    workbook = openpyxl.Workbook()
    sheet = cast(Worksheet, workbook.active)
    for line in ARTICLES.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(manager)

    page = upload(client, buffer.getvalue(), name="articles.xlsx").content.decode()

    assert "will add <strong>3</strong> articles" in page


# --- refused uploads ----------------------------------------------------------------


@override_settings(IMPORT_MAX_UPLOAD_BYTES=2**20)
def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(client, manager):
    client.force_login(manager)
    before = waiting_files()

    response = upload(client, HEADER.encode() + b"x" * 2**21)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is 2.0 MB; an upload can be at most 1 MB." in page
    assert "Split it into smaller files" in page
    assert waiting_files() == before


def test_a_file_that_is_not_csv_or_excel_is_refused(client, manager):
    client.force_login(manager)

    page = upload(client, ARTICLES, name="articles.txt").content.decode()

    assert "Choose a .csv or .xlsx file." in page


def test_confirming_without_a_checked_file_says_to_upload_it(client, manager):
    client.force_login(manager)

    response = confirm(client)

    assert "There is no checked file waiting to be imported" in response.content.decode()


def test_an_unknown_file_kind_is_not_found(client, manager):
    client.force_login(manager)

    assert client.post(CONFIRM, {"what": "zzz"}).status_code == 404
    assert client.get(reverse("interchange:export", args=["zzz"])).status_code == 404
    assert (
        client.get(reverse("interchange:export", args=["articles"]), {"format": "pdf"}).status_code
        == 404
    )


# --- downloads ----------------------------------------------------------------------


@pytest.fixture
def risky_article(db) -> Article:
    """An article whose text cells a spreadsheet would run as formulas."""
    sku = SKU.objects.create(code="CITY", name='=HYPERLINK("http://x")')
    return services.article_create(
        sku=sku,
        store=services.store_get_or_create(name="@Main"),
        number="B-1",
        purchased_on=dt.date(2025, 1, 1),
        purchase_price="800",
        manufacturer="+Velo",
    )


def test_the_articles_download_is_spreadsheet_safe(client, manager, risky_article):
    client.force_login(manager)

    response = client.get(reverse("interchange:export", args=["articles"]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="articles-')
    header, row = csv_rows(response)
    cells = dict(zip(header, row, strict=True))
    assert cells["sku_name"] == '\'=HYPERLINK("http://x")'
    assert cells["manufacturer"] == "'+Velo"
    assert cells["store"] == "'@Main"
    assert cells["purchase_price"] == "800.00"


def test_the_events_download_is_spreadsheet_safe(client, manager, risky_article):
    services.note_record(
        article=risky_article,
        occurred_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
        notes="-2 spokes",
    )
    client.force_login(manager)

    rows = csv_rows(client.get(reverse("interchange:export", args=["events"])))

    notes = rows[0].index("notes")
    assert [row[notes] for row in rows[1:]] == ["", "'-2 spokes"]


def test_the_catalog_downloads_as_the_import_reads_it(client, manager):
    sku = SKUFactory.create(code="CITY")
    upload_text = "code,name,kind,purpose,active,slots\nDAY,=Bike day,product,rental,true,1xCITY\n"
    client.force_login(manager)
    upload(client, upload_text, what="catalog", name="catalog.csv")
    confirm(client, "catalog")

    rows = csv_rows(client.get(reverse("interchange:export", args=["catalog"])))

    assert rows == [
        ["code", "name", "kind", "purpose", "active", "slots"],
        ["DAY", "'=Bike day", "product", "rental", "true", f"1x{sku.code}"],
    ]


def test_the_excel_download_stores_formula_text_as_text(client, manager, risky_article):
    client.force_login(manager)

    response = client.get(reverse("interchange:export", args=["articles"]), {"format": "xlsx"})

    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = cast(Worksheet, openpyxl.load_workbook(io.BytesIO(response.content)).active)
    header = [cell.value for cell in sheet[1]]
    manufacturer = sheet.cell(row=2, column=header.index("manufacturer") + 1)
    assert manufacturer.value == "'+Velo"
    assert manufacturer.data_type == "s"


def test_the_page_costs_the_same_queries_for_a_longer_file(client, manager):
    client.force_login(manager)
    rows = [f"B-{n},CITY,City bike,Main,2025-01-10,800,Velo\n" for n in range(1, 31)]
    with CaptureQueriesContext(connection) as short:
        upload(client, HEADER + "".join(rows[:2]))

    with CaptureQueriesContext(connection) as long:
        response = upload(client, HEADER + "".join(rows))

    assert "will add <strong>30</strong> articles" in response.content.decode()
    assert len(long) <= len(short)
