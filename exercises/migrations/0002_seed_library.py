"""Seeds the built-in exercises and retraining cues, and (on PostgreSQL) a trigger that refuses to
delete a built-in row even outside the application (built-ins are hidden, never destroyed)."""

from django.db import migrations

# Plain data, no Django models: safe to import from a migration.
from exercises.library_data import seed_builtin_library

REFUSE_BUILTIN_DELETE = """
CREATE OR REPLACE FUNCTION exercises_refuse_builtin_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'built-in % % cannot be deleted; hide it instead', TG_TABLE_NAME, OLD.slug;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER exercise_builtin_not_deleted BEFORE DELETE ON exercises_exercise
    FOR EACH ROW WHEN (OLD.builtin) EXECUTE FUNCTION exercises_refuse_builtin_delete();
CREATE TRIGGER cue_builtin_not_deleted BEFORE DELETE ON exercises_retrainingcue
    FOR EACH ROW WHEN (OLD.builtin) EXECUTE FUNCTION exercises_refuse_builtin_delete();
"""
DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS exercise_builtin_not_deleted ON exercises_exercise;
DROP TRIGGER IF EXISTS cue_builtin_not_deleted ON exercises_retrainingcue;
DROP FUNCTION IF EXISTS exercises_refuse_builtin_delete();
"""


def seed(apps, schema_editor):
    seed_builtin_library(apps.get_model("exercises", "Exercise"), apps.get_model("exercises", "RetrainingCue"))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_BUILTIN_DELETE, params=None)


def unseed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS, params=None)


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
