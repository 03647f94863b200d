"""Availability counted from an index, and the planner told how few usages are open
(docs/performance.md, "Catalog list").

- ``article_available_idx``: the active articles by allocation, SKU, store and id, so
  that the catalog's count of available articles per (SKU, store) reads the index
  alone and anti-joins the open usages by id (a key column, not INCLUDE: SQLite has
  none, and Django warns of it there).
- On PostgreSQL, extended statistics on the ledger's kind and end together: alone,
  "no end" (every note, expense, inspection...) and "a usage" each look common, so the
  planner took the open usages for hundreds of thousands of rows instead of the few
  thousand of ``event_open_usage_idx`` and probed them article by article. With the
  statistics it hashes them once. SQLite has no such statistics.
"""

from django.db import migrations, models

STATISTICS = "event_kind_end_stats"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON kind, ended_at "
            "FROM articles_event"
        )
        # Statistics are empty until analyzed; so is a new index's view of the table.
        schema_editor.execute("ANALYZE articles_article, articles_event")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_event_list_and_search_indexes"),
        ("skus", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["allocation", "sku", "store", "id"],
                name="article_available_idx",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
