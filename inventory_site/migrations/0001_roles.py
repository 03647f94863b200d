"""The groups Viewer, Staff and Manager with their permissions (``inventory_site.roles``)."""

from django.db import migrations

from inventory_site.roles import roles_sync


def make_roles(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0005_article_permissions"),
        ("skus", "0001_initial"),
        ("catalog_link", "0001_initial"),
    ]

    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop)]
