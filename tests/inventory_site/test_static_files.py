"""collectstatic with the production storage: every file hashed, the vendored Chart.js
(whose source map is not shipped) included."""

import json

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
