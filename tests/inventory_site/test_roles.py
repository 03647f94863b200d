"""The roles the migration makes, and what each may do."""

import pytest

from articles.kinds import KINDS
from articles.models import EventKind

pytestmark = pytest.mark.django_db


def test_viewer_sees_the_fleet_but_no_money_and_records_nothing(viewer):
    assert viewer.has_perms(["articles.view_article", "articles.view_event", "skus.view_sku"])
    assert not viewer.has_perm("articles.view_money")
    assert not viewer.has_perm("articles.add_event")
    assert not viewer.has_perm("articles.change_article")


def test_staff_records_the_daily_work_but_no_disposal_or_correction(staff):
    daily = [spec.permission for spec in KINDS.values() if spec.kind != EventKind.ACQUISITION]
    assert staff.has_perm(KINDS[EventKind.RENTAL].permission)
    assert staff.has_perm(KINDS[EventKind.INCOME].permission)
    assert staff.has_perms(["articles.add_article", "articles.change_article"])
    assert not staff.has_perm(KINDS[EventKind.SALE].permission)
    assert not staff.has_perm(KINDS[EventKind.ADJUSTMENT].permission)
    assert not staff.has_perm("articles.view_money")
    assert len(set(daily)) == 3


def test_manager_may_record_every_kind_and_see_money(manager):
    assert all(manager.has_perm(spec.permission) for spec in KINDS.values())
    assert manager.has_perms(["articles.view_money", "skus.change_sku", "catalog_link.add_slot"])


def test_the_migration_made_the_three_groups():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"Viewer", "Staff", "Manager"}
