"""collectstatic with the production storage: every file hashed, the vendored Chart.js
(whose source map is not shipped) included."""

import json

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "inventory_site.static_storage.StaticFilesStorage"},
}


def test_collectstatic_hashes_every_file_and_keeps_the_vendored_chart(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    chart = paths["vendor/chartjs-4.6.1/chart.umd.min.js"]
    assert chart != "vendor/chartjs-4.6.1/chart.umd.min.js"
    assert (tmp_path / chart).exists() and (tmp_path / f"{chart}.gz").exists()
    assert paths["css/app.css"].startswith("css/app.")
    assert "admin/css/base.css" in paths


def test_the_stylesheet_closes_every_block_it_opens():
    """A merge that drops a lone ``}`` silently turns every later rule into part of a
    media query; the browser then ignores them."""
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"app.css line {number} closes a block that is not open"
    assert depth == 0, "app.css leaves a block open"
