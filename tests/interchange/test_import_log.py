"""Every import is logged on ``interchange.imports``: who ran it, which file, and how
many rows it added, updated and skipped, or that it was refused and with how many
errors; from the commands and from the admin's upload pages alike."""

import datetime as dt
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import services
from skus.models import SKU
from tests.factories import SKUFactory

pytestmark = pytest.mark.django_db

ARTICLES = (
    "number,sku_code,sku_name,store,purchased_on,purchase_price\n"
    "B-1,CITY,City bike,Main,2025-01-10,800.00\n"
    "B-2,CITY,City bike,Main,2025-01-10,800.00\n"
)
EVENTS = (
    "article_number,kind,occurred_at,ended_at,revenue\n"
    "B-1,rental,2025-05-01T10:00,2025-05-03T10:00,40\n"
)
BAD_EVENTS = EVENTS + "B-1,rental,2025-05-02T10:00,,-3\nX-9,note,2025-05-02,,\n"


@pytest.fixture
def bike(db):
    sku = SKU.objects.create(code="CITY", name="City bike")
    store = services.store_get_or_create(name="Main")
    return services.article_create(
        sku=sku, store=store, number="B-1", purchased_on=dt.date(2025, 1, 1), purchase_price="800"
    )


def import_log(caplog) -> list[tuple[str, str]]:
    return [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == "interchange.imports"
    ]


def test_the_articles_command_logs_the_file_and_what_it_did(tmp_path, caplog):
    path = tmp_path / "fleet.csv"
    path.write_text(ARTICLES, encoding="utf-8")
    caplog.set_level(logging.INFO, logger="interchange.imports")

    call_command("import_articles", str(path), "--no-progress")

    assert import_log(caplog) == [
        (
            "INFO",
            "Import of articles from 'fleet.csv' by 'system': Added 2, updated 0, skipped 0.",
        )
    ]


def test_a_refused_events_command_logs_how_many_errors(tmp_path, caplog, bike):
    path = tmp_path / "events.csv"
    path.write_text(BAD_EVENTS, encoding="utf-8")
    caplog.set_level(logging.INFO, logger="interchange.imports")

    with pytest.raises(CommandError):
        call_command("import_events", str(path), "--no-progress")

    assert import_log(caplog) == [
        (
            "WARNING",
            "Import of events from 'events.csv' by 'system' refused with 2 errors; "
            "nothing was written.",
        )
    ]


def test_the_catalog_command_logs_too(tmp_path, caplog):
    SKUFactory.create(code="HELMET")
    path = tmp_path / "catalog.csv"
    path.write_text(
        "code,name,kind,purpose,active,slots\nHELM,Helmet,product,rental,true,1xHELMET\n",
        encoding="utf-8",
    )
    caplog.set_level(logging.INFO, logger="interchange.imports")

    call_command("import_catalog", str(path), "--dry-run")

    assert import_log(caplog) == [
        (
            "INFO",
            "Import of catalog from 'catalog.csv' by a command without a user: Would add 1, "
            "updated 0, skipped 0. Nothing was written (dry run).",
        )
    ]


def test_the_upload_pages_log_the_uploaded_name_and_the_staff_user(admin_client, bike, caplog):
    caplog.set_level(logging.INFO, logger="interchange.imports")

    admin_client.post(
        reverse("admin:articles_event_import"),
        {"file": SimpleUploadedFile("may rentals.csv", EVENTS.encode())},
    )
    admin_client.post(reverse("admin:articles_event_import_confirm"))
    admin_client.post(
        reverse("admin:articles_event_import"),
        {"file": SimpleUploadedFile("broken.csv", BAD_EVENTS.encode())},
    )

    assert import_log(caplog) == [
        (
            "INFO",
            "Import of events from 'may rentals.csv' by 'admin': Would add 1, updated 0, "
            "skipped 0. Nothing was written (dry run).",
        ),
        (
            "INFO",
            "Import of events from 'may rentals.csv' by 'admin': Added 1, updated 0, skipped 0.",
        ),
        (
            "WARNING",
            "Import of events from 'broken.csv' by 'admin' refused with 2 errors; "
            "nothing was written.",
        ),
    ]
