"""The admin's import pages: upload, dry-run preview by line, confirm; and downloads."""

import datetime as dt
import io
from typing import cast

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.worksheet.worksheet import Worksheet

from articles import services
from articles.models import Article, Event, EventKind
from interchange.admin import UPLOAD_FOLDER
from skus.models import SKU
from tests.factories import UserFactory
from tests.interchange.import_helpers import snapshot

pytestmark = pytest.mark.django_db

EVENTS = (
    "article_number,kind,occurred_at,ended_at,revenue\n"
    "B-1,rental,2025-05-01T10:00,2025-05-03T10:00,40\n"
)
BAD_EVENTS = (
    "article_number,kind,occurred_at,ended_at,revenue\n"
    "B-1,rental,2025-05-01T10:00,2025-05-03T10:00,40\n"
    "B-1,rental,2025-05-02T10:00,,-3\n"
    "X-9,note,2025-05-02,,\n"
)


@pytest.fixture
def bike(db):
    sku = SKU.objects.create(code="CITY", name="City bike")
    store = services.store_get_or_create(name="Main")
    return services.article_create(
        sku=sku, store=store, number="B-1", purchased_on=dt.date(2025, 1, 1), purchase_price="800"
    )


def upload(client, text: str, name: str = "events.csv", model: str = "event"):
    return client.post(
        reverse(f"admin:articles_{model}_import"),
        {"file": SimpleUploadedFile(name, text.encode())},
    )


def waiting_files() -> set:
    return set(UPLOAD_FOLDER.glob("*")) if UPLOAD_FOLDER.exists() else set()


def test_changelists_offer_import_and_export(admin_client, bike):
    page = admin_client.get(reverse("admin:articles_event_changelist")).content.decode()

    assert reverse("admin:articles_event_import") in page
    assert f"{reverse('admin:articles_event_export')}?format=xlsx" in page
    assert (
        reverse("admin:articles_article_import")
        in admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    )


def test_preview_says_what_would_happen_and_writes_nothing(admin_client, bike):
    before = snapshot()

    response = upload(admin_client, EVENTS)

    assert response.status_code == 200
    assert "Importing it will add 1, update 0 and skip 0" in response.content.decode()
    assert snapshot() == before


def test_confirm_imports_the_checked_file_and_removes_it(admin_client, bike):
    files_before = waiting_files()
    upload(admin_client, EVENTS)
    assert len(waiting_files() - files_before) == 1

    response = admin_client.post(reverse("admin:articles_event_import_confirm"), {"confirm": "1"})

    assert response.status_code == 302
    rental = Event.objects.get(kind=EventKind.RENTAL)
    assert rental.recorded_by is not None
    assert rental.recorded_by.is_superuser
    assert waiting_files() == files_before
    messages = [str(m) for m in admin_client.get(response.url).context["messages"]]
    assert "events.csv: Added 1, updated 0, skipped 0." in messages


def test_confirm_records_the_signed_in_user_and_the_uploaded_file_name(admin_client, bike):
    upload(admin_client, EVENTS, name="rentals-may.csv")

    admin_client.post(reverse("admin:articles_event_import_confirm"), {"confirm": "1"})

    rental = Event.objects.get(kind=EventKind.RENTAL)
    assert rental.recorded_by is not None
    assert (rental.recorded_by_name, rental.source) == (
        rental.recorded_by.get_username(),
        "rentals-may.csv",
    )


def test_every_error_is_listed_by_line_and_nothing_is_written(admin_client, bike):
    before = snapshot()
    files_before = waiting_files()

    response = upload(admin_client, BAD_EVENTS)

    page = response.content.decode()
    assert "events.csv cannot be imported: 2 problems found. Nothing was written." in page
    assert (
        "<td>3</td><td>revenue</td><td>A rental cannot carry a negative revenue; correct an "
        "amount with an adjustment.</td>"
    ) in page
    assert "<td>4</td><td>article_number</td><td>There is no article X-9" in page
    assert snapshot() == before
    assert waiting_files() == files_before
    confirm = admin_client.post(reverse("admin:articles_event_import_confirm"), {"confirm": "1"})
    assert confirm.url == reverse("admin:articles_event_import")
    assert snapshot() == before


def test_cancel_drops_the_checked_file(admin_client, bike):
    files_before = waiting_files()
    upload(admin_client, EVENTS)

    admin_client.post(reverse("admin:articles_event_import_confirm"), {"cancel": "1"})

    assert not Event.objects.filter(kind=EventKind.RENTAL).exists()
    assert waiting_files() == files_before


def test_file_that_is_neither_csv_nor_xlsx_is_refused_by_the_form(admin_client, bike):
    response = upload(admin_client, EVENTS, name="events.txt")

    assert "Choose a .csv or .xlsx file." in response.content.decode()


def test_articles_upload_with_an_excel_workbook(admin_client, db):
    workbook = openpyxl.Workbook()
    sheet = cast(Worksheet, workbook.active)
    sheet.append(["number", "sku_code", "store", "purchased_on", "purchase_price"])
    sheet.append(["B-7", "CITY", "Main", "2025-01-01", 500])
    buffer = io.BytesIO()
    workbook.save(buffer)
    admin_client.post(
        reverse("admin:articles_article_import"),
        {"file": SimpleUploadedFile("articles.xlsx", buffer.getvalue())},
    )

    admin_client.post(reverse("admin:articles_article_import_confirm"), {"confirm": "1"})

    assert Article.objects.get().number == "B-7"


def test_importing_events_needs_the_add_event_permission(client, bike):
    staff = UserFactory.create()
    staff.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(staff)

    assert upload(client, EVENTS).status_code == 403
    page = client.get(reverse("admin:articles_event_changelist")).content.decode()
    assert reverse("admin:articles_event_import") not in page


def test_importing_articles_needs_add_and_change_article(client, db):
    staff = UserFactory.create()
    staff.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(staff)

    response = client.get(reverse("admin:articles_article_import"))

    assert response.status_code == 403


def test_events_download_as_csv(admin_client, bike):
    response = admin_client.get(reverse("admin:articles_event_export"))

    body = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"].startswith('attachment; filename="events-')
    assert body.splitlines()[:2] == [
        "article_number,kind,occurred_at,ended_at,revenue,cost,reference,condition,store,status,"
        "notes,due_at",
        "B-1,acquisition,2025-01-01T00:00:00+00:00,,,,,new,Main,,,",
    ]


def test_articles_download_as_excel(admin_client, bike):
    response = admin_client.get(reverse("admin:articles_article_export") + "?format=xlsx")

    sheet = cast(Worksheet, openpyxl.load_workbook(io.BytesIO(response.content)).active)
    rows = list(sheet.values)
    assert rows[0][:3] == ("number", "sku_code", "sku_name")
    assert rows[1][:3] == ("B-1", "CITY", "City bike")
