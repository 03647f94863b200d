"""The ledger is append-only, and on PostgreSQL the database itself says so.

A trigger refuses every DELETE of an event and every UPDATE but two:

- closing an open usage or downtime: ``ended_at`` goes from empty to a moment, and
  with it the grade it came back in (``condition``) and who closed it and when
  (``closed_at``, ``closed_by_id``, ``closed_by_name``) may be filled in, once;
- the deletion of a user clearing ``recorded_by_id`` or ``closed_by_id`` (the name is
  kept in ``recorded_by_name`` / ``closed_by_name``).

Everything else on the row must stay as it was. SQLite has no such trigger; there the
services are the only writers.
"""

from django.db import migrations

FUNCTION = "articles_event_append_only"
TRIGGER = "articles_event_append_only"

CREATE_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
DECLARE
    closing boolean;
    released text[] := ARRAY['recorded_by_id', 'closed_by_id'];
    closed text[] := ARRAY['ended_at', 'condition', 'closed_at', 'closed_by_id',
                           'closed_by_name'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'The ledger is append-only: event % cannot be deleted.', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    closing := OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL;
    IF (to_jsonb(OLD) - released - CASE WHEN closing THEN closed ELSE ARRAY[]::text[] END)
       IS DISTINCT FROM
       (to_jsonb(NEW) - released - CASE WHEN closing THEN closed ELSE ARRAY[]::text[] END)
    THEN
        RAISE EXCEPTION 'The ledger is append-only: event % can only be closed, once.', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.recorded_by_id IS DISTINCT FROM OLD.recorded_by_id
       AND NEW.recorded_by_id IS NOT NULL THEN
        RAISE EXCEPTION 'The ledger is append-only: who recorded event % stays.', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.closed_by_id IS DISTINCT FROM OLD.closed_by_id
       AND NEW.closed_by_id IS NOT NULL AND NOT closing THEN
        RAISE EXCEPTION 'The ledger is append-only: who closed event % stays.', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON articles_event
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""
DROP_SQL = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON articles_event;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_ledger_due_closing_and_corrections")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
