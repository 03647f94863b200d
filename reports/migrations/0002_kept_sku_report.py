"""Each SKU's kept part of the SKU and sell-off reports as of today
(``reports.models.KeptSkuReport``), and on PostgreSQL the triggers that forget it as
soon as anything it is made of changes.

Statement-level triggers (a transition table each) delete the kept rows of every SKU
that the statement's rows touch:

- an event inserted, updated or deleted: its article's SKU;
- an article inserted, updated or deleted: its SKU before and after;
- a SKU updated or deleted: that SKU;
- a store updated (its name is a candidate's ``store``): the SKUs of its articles;
- any of these tables truncated: everything kept.

A COPY (an import) fires them once for all its rows. Recording an event deletes the
two rows of one SKU (through the event and through its article's stored totals).
"""

import django.db.models.deletion
from django.db import migrations, models

KEPT = "reports_keptskureport"
FORGET_BY_ARTICLE = f"""
        DELETE FROM {KEPT} k WHERE k.sku_id IN (
            SELECT a.sku_id FROM articles_article a
            WHERE a.id IN (SELECT article_id FROM %s));"""
FORGET_BY_SKU = f"""
        DELETE FROM {KEPT} k WHERE k.sku_id IN (SELECT sku_id FROM %s);"""
FORGET_BY_ID = f"""
        DELETE FROM {KEPT} k WHERE k.sku_id IN (SELECT id FROM %s);"""
FORGET_BY_STORE = f"""
        DELETE FROM {KEPT} k WHERE k.sku_id IN (
            SELECT a.sku_id FROM articles_article a
            WHERE a.store_id IN (SELECT id FROM %s));"""


def _function(name: str, forget: str) -> str:
    """A trigger function that runs ``forget`` over the old rows (UPDATE, DELETE) and
    the new rows (INSERT, UPDATE) of its statement, when anything is kept at all."""
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {KEPT}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN{forget % "old_rows"}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN{forget % "new_rows"}
    END IF;
    RETURN NULL;
END
$$;"""


# (table, trigger function, how it forgets, the operations it watches)
WATCHED = (
    (
        "articles_event",
        "reports_kept_forget_by_event",
        FORGET_BY_ARTICLE,
        ("INSERT", "UPDATE", "DELETE"),
    ),
    (
        "articles_article",
        "reports_kept_forget_by_article",
        FORGET_BY_SKU,
        ("INSERT", "UPDATE", "DELETE"),
    ),
    ("skus_sku", "reports_kept_forget_by_sku", FORGET_BY_ID, ("UPDATE", "DELETE")),
    ("articles_store", "reports_kept_forget_by_store", FORGET_BY_STORE, ("UPDATE",)),
)
REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}
FORGET_ALL = "reports_kept_forget_all"


def _create_sql() -> str:
    parts = [
        f"""
CREATE FUNCTION {FORGET_ALL}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {KEPT};
    RETURN NULL;
END
$$;"""
    ]
    for table, function, forget, operations in WATCHED:
        parts.append(_function(function, forget))
        for operation in operations:
            parts.append(
                f"CREATE TRIGGER {function}_{operation.lower()} AFTER {operation} ON {table}"
                f" {REFERENCING[operation]} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
            )
        parts.append(
            f"CREATE TRIGGER {FORGET_ALL}_{table} AFTER TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {FORGET_ALL}();"
        )
    return "\n".join(parts)


def _drop_sql() -> str:
    parts = []
    for table, function, _, operations in WATCHED:
        for operation in operations:
            parts.append(f"DROP TRIGGER IF EXISTS {function}_{operation.lower()} ON {table};")
        parts.append(f"DROP TRIGGER IF EXISTS {FORGET_ALL}_{table} ON {table};")
        parts.append(f"DROP FUNCTION IF EXISTS {function}();")
    parts.append(f"DROP FUNCTION IF EXISTS {FORGET_ALL}();")
    return "\n".join(parts)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_create_sql())


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_drop_sql())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_event_list_and_search_indexes"),
        ("reports", "0001_monthly_rollup"),
        ("skus", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeptSkuReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "report",
                    models.CharField(
                        choices=[("skus", "SKU figures"), ("selloff", "Sell-off candidates")],
                        max_length=16,
                    ),
                ),
                ("as_of", models.DateField()),
                ("basis", models.CharField(max_length=200)),
                ("rows", models.JSONField()),
                ("computed_at", models.DateTimeField()),
                (
                    "sku",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="skus.sku",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("sku", "report"), name="kept_sku_report_one_per_sku"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
