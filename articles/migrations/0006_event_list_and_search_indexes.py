"""Indexes for the admin's lists and searches at fleet scale (docs/performance.md).

- ``event_recent_idx``: the whole ledger newest first, a page at a time.
- ``event_open_usage_idx``: the usages without an end (partial: a few thousand rows of
  millions), for "on order" and availability now.
- No index on the event's article alone: ``event_article_time_idx`` begins with it.
- ``article_serial_idx`` goes: no statement compared the serial number as it is.
- ``article_number_list_idx`` and ``article_purchased_idx``: the admin's article list
  by number a page at a time, and its years of purchase.

On PostgreSQL also, for the searches of the admin (``articles.admin``): trigram indexes
(``pg_trgm``) on the upper-cased number, serial number, manufacturer and model of an
article, which serve ``UPPER(column) LIKE UPPER('%term%')``, and a prefix index on the
upper-cased reference of an event, which serves ``LIKE 'TERM%'``. SQLite has neither
and searches without them.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

ARTICLE_TRIGRAM_COLUMNS = ("number", "serial_number", "manufacturer", "model")


def _search_indexes() -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of each PostgreSQL-only search index."""
    statements = [
        (
            f"article_{column}_trgm_idx",
            f"CREATE INDEX article_{column}_trgm_idx ON articles_article "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)",
        )
        for column in ARTICLE_TRIGRAM_COLUMNS
    ]
    statements.append(
        (
            "event_reference_prefix_idx",
            "CREATE INDEX event_reference_prefix_idx ON articles_event "
            "((UPPER(reference::text)) text_pattern_ops)",
        )
    )
    return statements


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _, statement in _search_indexes():
            schema_editor.execute(statement)
        # The planner knows nothing of an expression index's values until it is analyzed.
        schema_editor.execute("ANALYZE articles_article, articles_event")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _ in _search_indexes():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_serial_idx"),
        migrations.AlterField(
            model_name="event",
            name="article",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="articles.article",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["number", "-id"], name="article_number_list_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["purchased_on"], name="article_purchased_idx"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["-occurred_at", "-id"], name="event_recent_idx"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(
                    ("ended_at__isnull", True), ("kind__in", ["rental", "subscription"])
                ),
                fields=["article"],
                name="event_open_usage_idx",
            ),
        ),
        # A no-op on any database but PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
