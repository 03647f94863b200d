"""The reports and exports of a demo fleet and a generated fleet, byte for byte.

A change of structure must not change a figure, a column or a byte of a file. The
expected files in ``expected/`` were written by the code as it stood before the
structure change; when a change of behaviour is meant to change them, rewrite them with
``UPDATE_EXPECTED_OUTPUTS=1 pytest tests/outputs`` and read the diff in review.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.outputs.fleet import write_fleet

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).parent / "expected"
UPDATE = os.environ.get("UPDATE_EXPECTED_OUTPUTS") == "1"


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _outputs(as_of_dates: tuple[str, ...], tmp_path: Path) -> dict[str, str]:
    outputs = {}
    for as_of in as_of_dates:
        for report in ("articles", "skus", "selloff"):
            outputs[f"report-{report}-{as_of}.csv"] = _command(
                "report", report, "--as-of", as_of, "--format", "csv"
            )
    for what in ("articles", "events"):
        path = tmp_path / f"export-{what}.csv"
        _command(f"export_{what}", str(path))
        outputs[f"export-{what}.csv"] = path.read_text(encoding="utf-8")
    return outputs


def _check(prefix: str, outputs: dict[str, str]) -> None:
    differing = []
    for name, text in outputs.items():
        path = EXPECTED / f"{prefix}-{name}"
        if UPDATE:
            path.write_text(text, encoding="utf-8", newline="")
        elif path.read_text(encoding="utf-8") != text:
            differing.append(name)
    assert not differing, f"{prefix}: these outputs changed: {', '.join(differing)}"


def test_demo_fleet_reports_and_exports_are_unchanged(settings, tmp_path):
    settings.TIME_ZONE = "Europe/Vienna"
    call_command("seed_demo", "--articles", "40", "--today", "2026-11-26", verbosity=0)
    _check("demo", _outputs(("2026-11-26", "2025-11-26"), tmp_path))


def test_generated_fleet_reports_and_exports_are_unchanged(settings, tmp_path):
    settings.TIME_ZONE = "UTC"
    articles, events = write_fleet(tmp_path)
    _command("import_articles", str(articles))
    _command("import_events", str(events))
    _check("generated", _outputs(("2026-06-30", "2025-06-30"), tmp_path))
