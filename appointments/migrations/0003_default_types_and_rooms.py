from django.db import migrations

TYPES = [
    ("Initial assessment", "INITIAL_ASSESSMENT", 60, True, "#0f6e6e"),
    ("Gait reassessment", "REASSESSMENT", 45, True, "#2f5fb3"),
    ("Treatment / retraining", "TREATMENT", 30, False, "#8a5a00"),
]
ROOMS = [("Treadmill room", True), ("Treatment room 1", False)]


def create_defaults(apps, schema_editor):
    AppointmentType = apps.get_model("appointments", "AppointmentType")
    Room = apps.get_model("appointments", "Room")
    for name, kind, minutes, treadmill, colour in TYPES:
        AppointmentType.objects.get_or_create(
            name=name, defaults={"kind": kind, "duration_minutes": minutes, "needs_treadmill": treadmill, "colour": colour}
        )
    for name, treadmill in ROOMS:
        Room.objects.get_or_create(name=name, defaults={"has_treadmill": treadmill})


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_no_overlap")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
