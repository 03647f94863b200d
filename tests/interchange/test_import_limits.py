"""Files too big, too wide or unsafe to read are refused with a clear message, a
workbook before openpyxl opens it; uploads wait in a folder only the server reads."""

import datetime as dt
import os
import stat
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from articles import services
from interchange.admin import UPLOAD_FOLDER
from interchange.imports import ImportFailed, articles_import, events_import
from skus.models import SKU
from tests.interchange.import_helpers import snapshot

pytestmark = pytest.mark.django_db

HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>article_number</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>kind</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>occurred_at</t></is></c></row>'
)
NOTE_ROW = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>B-1</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>note</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>2025-05-02</t></is></c></row>'
)
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def sheet_xml(rows: str, *, dimension: str = "", prologue: str = "") -> bytes:
    dimension_element = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0"?>{prologue}<worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main">{dimension_element}<sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def workbook(folder: Path, sheet: bytes, name: str = "events.xlsx") -> Path:
    """A minimal workbook written part by part, so a test can make its sheet anything."""
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in PARTS.items():
            archive.writestr(part, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


@pytest.fixture
def bike(db):
    sku = SKU.objects.create(code="CITY", name="City bike")
    store = services.store_get_or_create(name="Main")
    return services.article_create(
        sku=sku, store=store, number="B-1", purchased_on=dt.date(2025, 1, 1), purchase_price="800"
    )


def refusal(path: Path, importer=events_import) -> str:
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        importer(path=path)
    assert snapshot() == before
    return "\n".join(str(error) for error in failure.value.errors)


def test_openpyxl_reads_xml_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_the_hand_made_workbook_imports(tmp_path, bike):
    result = events_import(path=workbook(tmp_path, sheet_xml(HEADER_ROW + NOTE_ROW)))

    assert result.added == 1


def test_one_row_of_very_many_cells_is_refused_quickly(tmp_path, bike):
    wide_row = '<row r="2">' + '<c t="n"><v>1</v></c>' * 300_000 + "</row>"
    path = workbook(tmp_path, sheet_xml(HEADER_ROW + wide_row))
    assert path.stat().st_size < 100_000

    started = time.monotonic()
    message = refusal(path)

    assert time.monotonic() - started < 2
    assert "This row has more than 100 columns; a file can have at most 100." in message


def test_a_sheet_declaring_an_enormous_size_is_refused(tmp_path, bike):
    path = workbook(tmp_path, sheet_xml(HEADER_ROW + NOTE_ROW, dimension="A1:XFD1048576"))

    assert "The sheet reaches column XFD; a file can have at most 100 columns." in refusal(path)


def test_a_cell_far_to_the_right_is_refused(tmp_path, bike):
    far = '<row r="2"><c r="ZZ2" t="n"><v>1</v></c></row>'

    assert "reaches column ZZ" in refusal(workbook(tmp_path, sheet_xml(HEADER_ROW + far)))


@override_settings(IMPORT_MAX_CELLS=5)
def test_a_workbook_with_too_many_cells_is_refused(tmp_path, bike):
    message = refusal(workbook(tmp_path, sheet_xml(HEADER_ROW + NOTE_ROW)))

    assert "The workbook has more than 5 cells" in message


@override_settings(IMPORT_MAX_ROWS=1)
def test_a_workbook_with_too_many_rows_is_refused(tmp_path, bike):
    rows = HEADER_ROW + NOTE_ROW + NOTE_ROW.replace('r="2"', 'r="3"').replace('2"', '3"')

    assert "The file has more than 1 rows" in refusal(workbook(tmp_path, sheet_xml(rows)))


@override_settings(IMPORT_MAX_UNPACKED_BYTES=1000)
def test_a_workbook_that_unpacks_too_big_is_refused(tmp_path, bike):
    message = refusal(workbook(tmp_path, sheet_xml(HEADER_ROW + NOTE_ROW)))

    assert "The workbook unpacks to more than 0 MB" in message


def test_sheet_xml_with_entities_is_refused(tmp_path, bike):
    laughs = (
        '<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    row = NOTE_ROW.replace("<t>B-1</t>", "<t>&c;</t>")
    message = refusal(workbook(tmp_path, sheet_xml(HEADER_ROW + row, prologue=laughs)))

    assert "xl/worksheets/sheet1.xml declares XML entities" in message


def test_truncated_sheet_xml_is_refused(tmp_path, bike):
    sheet = sheet_xml(HEADER_ROW + NOTE_ROW)[:-40]

    message = refusal(workbook(tmp_path, sheet))

    assert "The workbook's xl/worksheets/sheet1.xml is damaged" in message


def test_a_csv_header_with_too_many_columns_is_refused(tmp_path, db):
    path = tmp_path / "articles.csv"
    path.write_text(",".join(f"spec{number}" for number in range(101)) + "\n")

    message = refusal(path, articles_import)

    assert "line 1: This row has more than 100 columns" in message


def test_a_csv_row_with_too_many_columns_is_refused(tmp_path, bike):
    path = tmp_path / "events.csv"
    path.write_text("article_number,kind,occurred_at\nB-1,note,2025-05-02" + "," * 200 + "\n")

    assert "line 2: This row has more than 100 columns" in refusal(path)


@override_settings(IMPORT_MAX_ROWS=2)
def test_a_csv_file_with_too_many_rows_is_refused(tmp_path, bike):
    path = tmp_path / "events.csv"
    rows = "".join(f"B-1,note,2025-05-0{day}\n" for day in (2, 3, 4))
    path.write_text("article_number,kind,occurred_at\n" + rows)

    assert "line 4: The file has more than 2 rows" in refusal(path)


# --- the upload pages -------------------------------------------------------------


def upload(client, content: bytes, name: str = "events.csv"):
    return client.post(
        reverse("admin:articles_event_import"), {"file": SimpleUploadedFile(name, content)}
    )


@override_settings(IMPORT_MAX_UPLOAD_BYTES=2**20)
def test_an_upload_over_the_size_limit_is_refused_by_the_form(admin_client, bike):
    response = upload(admin_client, b"article_number,kind,occurred_at\n" + b"x" * 2**21)

    assert response.status_code == 200
    assert "The file is 2.0 MB; an upload can be at most 1 MB." in response.content.decode()


def test_an_upload_waits_in_a_folder_only_the_server_reads(admin_client, bike):
    response = upload(admin_client, b"article_number,kind,occurred_at\nB-1,note,2025-05-02\n")

    assert response.status_code == 200
    assert stat.S_IMODE(UPLOAD_FOLDER.stat().st_mode) == 0o700
    assert UPLOAD_FOLDER.stat().st_uid == os.getuid()
    (waiting,) = [
        path
        for path in UPLOAD_FOLDER.iterdir()
        if path.name == admin_client.session["articles_import_events"]["token"]
    ]
    assert stat.S_IMODE(waiting.stat().st_mode) == 0o600


def test_an_abandoned_preview_is_removed_by_a_later_upload(admin_client, bike):
    UPLOAD_FOLDER.mkdir(mode=0o700, exist_ok=True)
    abandoned = UPLOAD_FOLDER / "0123abandoned.csv"
    abandoned.write_text("old")
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(abandoned, (two_days_ago, two_days_ago))

    upload(admin_client, b"article_number,kind,occurred_at\nB-1,note,2025-05-02\n")

    assert not abandoned.exists()
