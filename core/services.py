from __future__ import annotations

from datetime import date

from django.db import transaction

DEMO_STAFF = [
    # username, password, role, first name, last name
    ("admin", "stride-admin-2026", "Clinic admin", "Alex", "Morgan"),
    ("reception", "stride-desk-2026", "Reception", "Rita", "Desk"),
    ("therapist", "stride-physio-2026", "Therapist", "Theo", "Hart"),
]

DEMO_CLIENTS = [
    {"first_name": "Jamie", "last_name": "Rivers", "date_of_birth": date(1988, 4, 12), "sex": "F",
         "email": "jamie.rivers@example.com", "phone": "07700 900101", "goal_race": "London Marathon",
         "presenting_complaint": "Lateral knee pain after 10 km", "pain_region": "knee (lateral)",
         "pain_side": "RIGHT", "pain_score": 4},
    {"first_name": "Sam", "last_name": "Okafor", "date_of_birth": date(1979, 11, 3), "sex": "M",
         "email": "sam.okafor@example.com", "phone": "07700 900102", "goal_race": "Half marathon",
         "presenting_complaint": "Pain on top of the left foot", "pain_region": "foot (dorsum)",
         "pain_side": "LEFT", "pain_location_detail": "top of left foot, lateral three toes", "pain_score": 3},
    {"first_name": "Priya", "last_name": "Shah", "date_of_birth": date(1995, 7, 21), "sex": "F",
         "email": "priya.shah@example.com", "phone": "07700 900103", "goal_race": "Parkrun PB",
         "presenting_complaint": "Hip pain in mid-stance", "pain_region": "hip (lateral)", "pain_side": "LEFT",
         "pain_score": 5},
]


@transaction.atomic
def demo_data_seed() -> list[tuple[str, str, str]]:
    """Create the demo staff and clients if missing; return (username, password, role) rows."""
    from accounts.models import User
    from accounts.services import user_create
    from clients.models import Client

    for username, password, role, first, last in DEMO_STAFF:
        if not User.objects.filter(username=username).exists():
            user_create(username=username, password=password, roles=[role], first_name=first, last_name=last,
                        email=f"{username}@stridewell.example")
    for data in DEMO_CLIENTS:
        Client.objects.get_or_create(first_name=data["first_name"], last_name=data["last_name"], defaults=data)
    return [(username, password, role) for username, password, role, *_ in DEMO_STAFF]
