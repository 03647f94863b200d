"""The three roles of the back office, as Django groups, and what each may do.

**Viewer** sees the fleet and its history, not money. **Staff** also records the daily
work (usages, service, inspections, transfers, taking articles out of use and back,
income and notes) and adds and edits articles. **Manager** also sees money and the
reports, records sales, retirements, losses, expenses and adjustments, imports files,
and keeps the SKUs, stores and catalog.

Every view checks a permission, never a group, so a site may grant one permission to
someone outside these groups. The groups are made by a migration
(``inventory_site/migrations``), which calls ``roles_sync``; a change to the table
below needs a new migration that calls it again.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import Group

VIEWER = "Viewer"
STAFF = "Staff"
MANAGER = "Manager"

_SEES = (
    "articles.view_article",
    "articles.view_event",
    "articles.view_store",
    "skus.view_sku",
    "catalog_link.view_catalogitem",
    "catalog_link.view_slot",
)
_WORKS = (
    "articles.add_article",
    "articles.change_article",
    "articles.add_event",
)
_MANAGES = (
    "articles.view_money",
    "articles.dispose_article",
    "articles.correct_ledger",
    "articles.add_store",
    "articles.change_store",
    "skus.add_sku",
    "skus.change_sku",
    "catalog_link.add_catalogitem",
    "catalog_link.change_catalogitem",
    "catalog_link.delete_catalogitem",
    "catalog_link.add_slot",
    "catalog_link.change_slot",
    "catalog_link.delete_slot",
)

ROLES: dict[str, tuple[str, ...]] = {
    VIEWER: _SEES,
    STAFF: _SEES + _WORKS,
    MANAGER: _SEES + _WORKS + _MANAGES,
}


def roles_sync(apps, names: Iterable[str] = ROLES) -> None:
    """Make each group of ``ROLES`` hold exactly its permissions (``apps`` is a
    migration's app registry, or ``django.apps.apps``)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are made after migrations; a new database needs them now.
    # (A migration's app configs hold no models module, which create_permissions
    # asks for; one is lent for the call.)
    for config in apps.get_app_configs():
        models_module = getattr(config, "models_module", None)
        config.models_module = models_module or True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in names:
        wanted = [codename.split(".", 1) for codename in ROLES[name]]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def role_group(name: str) -> "Group":
    """The group of the role ``name``, made again with its permissions if someone
    deleted it (the migration made it once)."""
    from django.apps import apps as django_apps
    from django.contrib.auth.models import Group

    group: Group | None = Group.objects.filter(name=name).first()
    if group is None:
        roles_sync(django_apps, [name])
        group = Group.objects.get(name=name)
    return group
