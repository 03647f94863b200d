"""The articles CSV streamed from PostgreSQL is, byte for byte, the Python path's on the
reference fleets of ``test_against_reference`` (the demo fleet in Europe/Vienna,
a worn-out fleet, a fleet imported from files in America/New_York).

A module of its own: the fleets are module-scoped and stay until the module's last test.
"""

import pytest

from tests.reports.test_against_reference import AS_OF_DATES, GENERATED_AS_OF, fleet, on
from tests.reports.test_articles_csv_streamed import assert_same_in_every_scope, postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]

__all__ = ["fleet"]  # the reference fleets' fixture, used by name


@on("demo-Europe/Vienna", "worn-out")
def test_the_reference_fleets_stream_the_python_bytes(fleet):
    assert_same_in_every_scope([*AS_OF_DATES, None])


@on("generated")
def test_the_imported_fleet_streams_the_python_bytes(fleet):
    assert_same_in_every_scope([*GENERATED_AS_OF, None])
