"""The kept totals of complete months (``reports.models.MonthlyRollup``), and on
PostgreSQL the triggers that forget a month as soon as the ledger changes in it.

Three statement-level triggers on the ledger (INSERT, UPDATE, DELETE; a transition
table each) delete every kept month that the statement's rows reach: from the earliest
moment of its rows to the latest, where a usage reaches to its end, or without an end
to the end of time (an open usage counts up to the report's T). A statement of many
rows (an import, COPY) forgets one span of months; a recording now touches only the
current month, which is never kept, so it deletes nothing and locks nothing.
"""

from django.db import migrations, models

from articles.kinds import USAGE_KINDS

USAGES = ", ".join(f"'{kind}'" for kind in sorted(USAGE_KINDS))
FUNCTION = "reports_monthly_rollup_forget"
REACH = f"CASE WHEN kind IN ({USAGES}) THEN COALESCE(ended_at, 'infinity') ELSE occurred_at END"

CREATE_SQL = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        DELETE FROM reports_monthlyrollup r
        USING (SELECT min(occurred_at) AS lo, max({REACH}) AS hi FROM new_rows) s
        WHERE r.begins <= s.hi AND r.ends > s.lo;
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM reports_monthlyrollup r
        USING (
            SELECT min(occurred_at) AS lo, max({REACH}) AS hi
            FROM (SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) AS changed
        ) s
        WHERE r.begins <= s.hi AND r.ends > s.lo;
    ELSE
        DELETE FROM reports_monthlyrollup r
        USING (SELECT min(occurred_at) AS lo, max({REACH}) AS hi FROM old_rows) s
        WHERE r.begins <= s.hi AND r.ends > s.lo;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER reports_monthly_rollup_on_insert AFTER INSERT ON articles_event
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER reports_monthly_rollup_on_update AFTER UPDATE ON articles_event
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER reports_monthly_rollup_on_delete AFTER DELETE ON articles_event
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
"""
DROP_SQL = f"""
DROP TRIGGER IF EXISTS reports_monthly_rollup_on_insert ON articles_event;
DROP TRIGGER IF EXISTS reports_monthly_rollup_on_update ON articles_event;
DROP TRIGGER IF EXISTS reports_monthly_rollup_on_delete ON articles_event;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("articles", "0006_event_list_and_search_indexes")]

    operations = [
        migrations.CreateModel(
            name="MonthlyRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("zone", models.CharField(max_length=64)),
                ("begins", models.DateTimeField()),
                ("ends", models.DateTimeField()),
                ("revenue", models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ("expenses", models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ("usage_seconds", models.FloatField(null=True)),
                ("computed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("zone", "begins", "ends"), name="monthly_rollup_one_per_month"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
