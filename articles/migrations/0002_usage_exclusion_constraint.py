"""No two usages of one article may overlap in time (SPEC.md "Status lifecycle").

On PostgreSQL the database itself refuses an overlap through an exclusion constraint
over half-open ranges [occurred_at, ended_at), an open usage reaching to infinity, so
that one usage ending exactly as the next begins is allowed. SQLite cannot hold such
a constraint; there the service layer's check under the article's row lock is the rule.
"""

from django.db import migrations

CONSTRAINT = "event_usages_do_not_overlap"

CREATE_SQL = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE articles_event ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        article_id WITH =,
        tstzrange(occurred_at, ended_at, '[)') WITH &&
    ) WHERE (kind IN ('rental', 'subscription'));
"""
DROP_SQL = f"ALTER TABLE articles_event DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_constraint, drop_constraint)]
