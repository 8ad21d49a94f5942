"""The appointment types and rooms a new clinic starts with."""

DEFAULT_TYPES = [
    # name, kind, minutes, needs treadmill, colour
    ("Initial assessment", "INITIAL_ASSESSMENT", 60, True, "#0f6e6e"),
    ("Gait reassessment", "REASSESSMENT", 45, True, "#2f5fb3"),
    ("Treatment / retraining", "TREATMENT", 30, False, "#8a5a00"),
]
DEFAULT_ROOMS = [("Treadmill room", True), ("Treatment room 1", False)]


def ensure_defaults(sender=None, *, apps=None, using: str = "default", **kwargs) -> None:
    """Give an empty clinic its default types and rooms; never touches a clinic's own set-up.

    Runs from migration 0003 and after every migrate/flush (post_migrate passes `apps`).
    """
    if apps is None:
        from django.apps import apps
    appointment_type = apps.get_model("appointments", "AppointmentType")
    room = apps.get_model("appointments", "Room")
    if not appointment_type.objects.using(using).exists():
        appointment_type.objects.using(using).bulk_create(
            appointment_type(name=name, kind=kind, duration_minutes=minutes, needs_treadmill=treadmill, colour=colour)
            for name, kind, minutes, treadmill, colour in DEFAULT_TYPES
        )
    if not room.objects.using(using).exists():
        room.objects.using(using).bulk_create(room(name=name, has_treadmill=t) for name, t in DEFAULT_ROOMS)
