"""``manage.py report`` refuses bad input with one line that says what is wrong
(a ``CommandError``, exit non-zero, never a traceback)."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.reports.handworked import article, sku

pytestmark = pytest.mark.django_db


def refusal(*args: str) -> str:
    """The message of the CommandError that ``report <args>`` raises."""
    with pytest.raises(CommandError) as error:
        call_command("report", *args, stdout=StringIO(), stderr=StringIO())
    message = str(error.value)
    assert message.strip(), "the refusal says nothing"
    assert "\n" not in message.strip(), f"{message!r} is more than one line"
    return message


@pytest.mark.parametrize("value", ["2025-13-01", "30.06.2025", "yesterday", "2025-02-29"])
def test_bad_as_of_date_is_refused_naming_the_value(value):
    assert value in refusal("articles", "--as-of", value)


@pytest.mark.parametrize("value", ["0", "-30", "abc", "1.5"])
def test_bad_window_is_refused_naming_the_value(value):
    assert value in refusal("selloff", "--window", value)


@pytest.mark.parametrize("kind", ["articles", "skus", "selloff"])
def test_unknown_sku_is_refused_naming_the_code(kind):
    article(sku("BIKE"), "B-1", "2025-01-01")
    assert "NOPE" in refusal(kind, "--sku", "NOPE")


@pytest.mark.parametrize("kind", ["articles", "skus", "selloff"])
def test_unknown_store_is_refused_naming_the_store(kind):
    article(sku("BIKE"), "B-1", "2025-01-01")  # in store "Main"
    assert "Nowhere" in refusal(kind, "--store", "Nowhere")


def test_unknown_report_is_refused():
    assert "widgets" in refusal("widgets")


def test_unknown_format_is_refused():
    assert "xml" in refusal("articles", "--format", "xml")


def test_sku_code_is_matched_case_insensitively():
    article(sku("BIKE"), "B-1", "2025-01-01")
    out = StringIO()
    call_command("report", "articles", "--sku", "bike", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[1].startswith("B-1,BIKE,")


@pytest.mark.parametrize(
    "args",
    [
        ["articles", "--as-of", "2025-13-01"],
        ["selloff", "--window", "0"],
    ],
)
def test_command_line_error_is_one_line_without_traceback(args, tmp_path):
    # A separate process, as an operator runs it; its own throw-away SQLite file,
    # since the input is refused before any query.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "inventory_site.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'refusal.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "report", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["articles", "--as-of", "9999-12-31"],  # T would be 10000-01-01
        ["skus", "--as-of", "0001-01-01"],  # T - 365 days is before year 1
        ["selloff", "--window", "1000000000000000000000"],  # beyond a database integer
    ],
)
def test_out_of_range_input_gives_a_report_or_a_one_line_refusal(args):
    article(sku("BIKE"), "B-1", "2025-01-01")
    try:
        call_command("report", *args, "--format", "json", stdout=StringIO())
    except CommandError as error:
        assert "\n" not in str(error).strip()
    # any other exception escapes and fails the test: it would be a traceback
