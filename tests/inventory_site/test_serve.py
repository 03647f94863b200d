"""The production setup ``make serve`` runs, started for real: migrations, collectstatic,
gunicorn with the production settings on loopback, then pages and static files fetched
over HTTP. It uses its own SQLite file and static folder, whatever the suite's database."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, host: str = "127.0.0.1") -> tuple[int, dict[str, str], str, str]:
    """(status, headers, body, the URL it ended at after redirects)."""
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read().decode()
            return response.status, dict(response.headers), body, response.url
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), "", url


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """The base URL of a gunicorn serving the production settings like make serve."""
    folder = tmp_path_factory.mktemp("serve")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "inventory_site.settings.production",
        "DJANGO_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": "serve-test-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command, "-v", "0"], cwd=PROJECT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "inventory_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_login_page_is_served_with_its_security_headers(served):
    status, headers, html, _ = fetch(f"{served}/accounts/login/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert 'href="/static/css/app.' in html


def test_static_files_are_served_hashed_compressed_and_cached_for_long(served):
    html = fetch(f"{served}/accounts/login/")[2]
    stylesheet = html.split('href="/static/css/app.', 1)[1].split('"', 1)[0]
    status, headers, css, _ = fetch(f"{served}/static/css/app.{stylesheet}")
    assert status == 200 and css
    assert "immutable" in headers["Cache-Control"]


def test_an_unknown_host_is_refused(served):
    assert fetch(f"{served}/accounts/login/", host="evil.example")[0] == 400


def test_the_staff_pages_and_the_admin_lead_to_a_login(served):
    assert fetch(f"{served}/")[3] == f"{served}/accounts/login/?next=/"
    assert fetch(f"{served}/admin/")[3] == f"{served}/admin/login/?next=/admin/"
