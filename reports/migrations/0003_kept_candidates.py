"""The kept sell-off candidates as rows of their own (``reports.models.KeptCandidate``).

On PostgreSQL their foreign key to the kept part deletes them with it (``ON DELETE
CASCADE``), so the triggers of migration 0002, which delete kept parts in SQL, forget
the candidates too. The sell-off parts kept before this migration held their
candidates inside; they are forgotten, and the next report keeps them anew.
"""

import django.db.models.deletion
from django.db import migrations, models

FOREIGN_KEY = "reports_keptcandidate_kept_fk"


def forget_and_cascade(apps, schema_editor):
    schema_editor.execute("DELETE FROM reports_keptskureport WHERE report = 'selloff'")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE reports_keptcandidate ADD CONSTRAINT {FOREIGN_KEY}"
            " FOREIGN KEY (kept_id) REFERENCES reports_keptskureport (id) ON DELETE CASCADE"
        )


def drop_cascade(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE reports_keptcandidate DROP CONSTRAINT IF EXISTS {FOREIGN_KEY}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_open_usage_order_indexes"),
        ("reports", "0002_kept_sku_report"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeptCandidate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=64)),
                ("keep_margin", models.DecimalField(decimal_places=2, max_digits=20)),
                ("figures", models.JSONField()),
                ("condition", models.CharField(max_length=16)),
                ("sellable", models.BooleanField()),
                ("choosable", models.BooleanField()),
                (
                    "kept",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="candidates",
                        to="reports.keptskureport",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["keep_margin", "number"], name="kept_candidate_order")
                ],
            },
        ),
        migrations.RunPython(forget_and_cascade, drop_cascade, elidable=False),
    ]
