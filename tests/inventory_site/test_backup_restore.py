"""scripts/backup_restore_check.sh: a pg_dump backup, restored, gives the same ledger."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from demo.fleet import demo_fleet_create

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup_restore_check.sh"


def run_script(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHON": sys.executable}
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_the_check_refuses_a_database_other_than_postgresql():
    result = run_script("sqlite:////tmp/inventory.sqlite3")
    assert result.returncode == 2
    assert "pg_dump backs up PostgreSQL only" in result.stderr


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_the_same_ledger_and_tables(tmp_path):
    demo_fleet_create(articles=20, today=dt.date(2026, 6, 15))
    database = connection.settings_dict
    url = (
        f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'] or '')}"
        f"@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    backup = tmp_path / "inventory.dump"
    result = run_script(url, str(backup))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ledger: the same" in result.stdout
    assert "Every table: the same" in result.stdout
    assert backup.stat().st_size > 0
