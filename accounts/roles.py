"""The three staff roles, as Django groups with permissions.

A role grants every permission matching one of its patterns ("app_label.codename", with
shell-style wildcards), so models that later apps add are covered on the next migrate.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

RECEPTION = "Reception"
THERAPIST = "Therapist"
CLINIC_ADMIN = "Clinic admin"
ROLES = (RECEPTION, THERAPIST, CLINIC_ADMIN)

# Clinical content (findings, videos, treatment notes, exercises, reports) is only for therapists.
CLINICAL_APPS = ("gait", "records", "exercises", "reports")

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    RECEPTION: (
        "clients.view_client",
        "clients.add_client",
        "clients.change_client",
        "clients.*_consent",
        "appointments.*",
        "careplans.view_*",
        "gait.view_session_status",
        "authtoken.*",
    ),
    THERAPIST: (
        "clients.view_client",
        "clients.add_client",
        "clients.change_client",
        "clients.view_clinical",
        "clients.*_consent",
        "appointments.*",
        "careplans.*",
        "authtoken.*",
        *(f"{app}.*" for app in CLINICAL_APPS),
    ),
    CLINIC_ADMIN: (
        "accounts.*",
        "auth.view_group",
        "core.*",
        "axes.*",
        "clients.view_client",
        "clients.export_client",
        "clients.erase_client",
        "clients.view_consent",
        "clients.view_clientdataevent",
        "appointments.view_*",
        "careplans.view_*",
        "gait.view_session_status",
        "gait.view_gaitaccess",
        "appointments.*_workinghours",
        "appointments.*_availabilityexception",
        "appointments.*_room",
        "appointments.*_appointmenttype",
        "authtoken.*",
    ),
}

# Consent history is evidence: recorded as new rows, never edited or deleted.
IMMUTABLE = ("clients.change_consent", "clients.delete_consent")

# Treatment notes are clinical records: never deleted; an amendment is never edited.
CLINICAL_RECORD_IMMUTABLE = ("records.delete_*", "records.change_treatmentnoteamendment")

# Built-in exercises and cues are hidden, never deleted; issued programmes are what a client was
# given. Nobody deletes library rows or programmes (a draft's lines are changed, not deleted, via
# exercises.change_programme).
EXERCISES_IMMUTABLE = ("exercises.delete_*",)

# Clinic set-up (rooms, appointment types, therapists' hours and leave) is the admin's.
CLINIC_SETUP = tuple(
    f"appointments.{action}_{model}"
    for model in ("room", "appointmenttype", "workinghours", "availabilityexception")
    for action in ("add", "change", "delete")
)

# Not clinical although in a clinical app: that a gait session exists and its status (for
# reception's planning), and the gait access log (for admins' audits).
NOT_CLINICAL = ("gait.view_session_status", "gait.view_gaitaccess")

# Reception and admins never get clinical permissions, even through a broad pattern.
EXCLUDED: dict[str, tuple[str, ...]] = {
    RECEPTION: ("clients.view_clinical", *(f"{app}.*" for app in CLINICAL_APPS), *IMMUTABLE, *CLINIC_SETUP),
    THERAPIST: (*IMMUTABLE, *CLINIC_SETUP, *CLINICAL_RECORD_IMMUTABLE, *EXERCISES_IMMUTABLE),
    CLINIC_ADMIN: ("clients.view_clinical", *(f"{app}.*" for app in CLINICAL_APPS), *IMMUTABLE),
}


def permissions_for(role: str, available: list[str]) -> list[str]:
    patterns = ROLE_PERMISSIONS[role]
    excluded = EXCLUDED.get(role, ())
    return [
        perm
        for perm in available
        if any(fnmatchcase(perm, p) for p in patterns)
        and (perm in NOT_CLINICAL or not any(fnmatchcase(perm, e) for e in excluded))
    ]


def sync_roles(sender=None, **kwargs) -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([perms[name] for name in permissions_for(role, sorted(perms))])
