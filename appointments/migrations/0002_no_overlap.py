"""No double booking, enforced by PostgreSQL so that concurrent requests cannot both win.

Exclusion constraints over the booked time range, per therapist and per room, ignoring
cancelled appointments. SQLite has no exclusion constraints: there the booking service's
check runs inside the same IMMEDIATE (write-locked) transaction as the insert.
"""

from django.db import migrations

CONSTRAINTS = [
    ("appointment_therapist_no_overlap", "therapist_id WITH =", "status <> 'CANCELLED'"),
    ("appointment_room_no_overlap", "room_id WITH =", "status <> 'CANCELLED' AND room_id IS NOT NULL"),
]


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column, condition in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE appointments_appointment ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column}, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE ({condition})"
        )


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]
    operations = [migrations.RunPython(add_constraints, drop_constraints)]
