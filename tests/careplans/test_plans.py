"""Care plan lifecycle, pages and API."""

from datetime import date

import pytest
from django.db import IntegrityError
from django.urls import reverse

from careplans.models import CarePlan, CarePlanStatus
from careplans.services import (
    CarePlanError,
    care_plan_create,
    care_plan_discharge,
    care_plan_pause,
    care_plan_resume,
    care_plan_update,
)
from core.exceptions import ConflictError
from tests.careplans.conftest import at
from tests.factories import ClientFactory, ReceptionistFactory

NOW = at(2026, 11, 2, 9)


@pytest.mark.django_db
def test_create_defaults_interval_from_clinic_settings_and_due_date(theo, client_record):
    from core.selectors import clinic_settings

    settings_row = clinic_settings()
    settings_row.reassessment_interval_weeks = 8
    settings_row.save()
    plan = care_plan_create(client=client_record, therapist=theo, start_date=date(2026, 11, 2))
    assert plan.reassessment_interval_weeks == 8 and plan.next_reassessment_due == date(2026, 12, 28)
    assert plan.status == CarePlanStatus.ACTIVE


@pytest.mark.django_db
def test_only_one_active_plan_per_client_even_past_the_service(theo, client_record):
    care_plan_create(client=client_record, therapist=theo, start_date=date(2026, 11, 2))
    with pytest.raises(ConflictError, match="already has an active care plan"):
        care_plan_create(client=client_record, therapist=theo, start_date=date(2026, 11, 3))
    with pytest.raises(IntegrityError):
        CarePlan.objects.create(
            client=client_record, therapist=theo, start_date=date(2026, 11, 3), reassessment_interval_weeks=6
        )


@pytest.mark.django_db
def test_bad_input_is_refused_with_a_specific_message(theo, client_record):
    with pytest.raises(CarePlanError, match="Unknown therapist"):
        care_plan_create(client=client_record, therapist=ReceptionistFactory(), start_date=date(2026, 11, 2))
    with pytest.raises(CarePlanError, match="Unknown therapist"):
        care_plan_create(client=client_record, therapist=None, start_date=date(2026, 11, 2))
    with pytest.raises(CarePlanError, match="1 to 52 weeks"):
        care_plan_create(
            client=client_record, therapist=theo, start_date=date(2026, 11, 2), reassessment_interval_weeks=0
        )
    archived = ClientFactory(archived_at=NOW)
    with pytest.raises(CarePlanError, match="This client is archived"):
        care_plan_create(client=archived, therapist=theo, start_date=date(2026, 11, 2))
    assert not CarePlan.objects.exists()


@pytest.mark.django_db
def test_pause_resume_discharge(theo, client_record):
    plan = care_plan_create(client=client_record, therapist=theo, start_date=date(2026, 11, 2))
    plan = care_plan_pause(plan=plan, now=NOW)
    assert plan.status == CarePlanStatus.PAUSED and plan.paused_at == NOW
    with pytest.raises(CarePlanError, match="Only an active plan can be paused"):
        care_plan_pause(plan=plan, now=NOW)
    other = care_plan_create(client=client_record, therapist=theo, start_date=date(2026, 11, 3))
    with pytest.raises(ConflictError, match="already has an active care plan"):
        care_plan_resume(plan=plan, now=NOW)
    care_plan_discharge(plan=other, now=NOW)
    plan = care_plan_resume(plan=plan, now=NOW)
    assert plan.status == CarePlanStatus.ACTIVE and plan.paused_at is None
    plan = care_plan_discharge(plan=plan, now=NOW)
    assert plan.discharged_at == NOW
    with pytest.raises(CarePlanError, match="discharged care plan cannot be changed"):
        care_plan_update(plan=plan, data={"goal": "x"})


@pytest.mark.django_db
def test_therapist_creates_edits_and_pauses_a_plan_on_the_pages(client, theo, client_record):
    client.force_login(theo)
    response = client.post(
        reverse("careplans:create", args=[client_record.pk]),
        {
            "therapist": theo.pk,
            "goal": "Run 10k pain-free",
            "start_date": "2026-11-02",
            "reassessment_interval_weeks": "4",
        },
    )
    plan = CarePlan.objects.get(client=client_record)
    assert response.status_code == 302 and response["Location"] == reverse("careplans:detail", args=[plan.pk])
    assert plan.next_reassessment_due == date(2026, 11, 30) and plan.goal == "Run 10k pain-free"
    assert "Run 10k pain-free" in client.get(reverse("careplans:detail", args=[plan.pk])).content.decode()

    client.post(
        reverse("careplans:edit", args=[plan.pk]),
        {
            "therapist": theo.pk,
            "goal": "Half marathon",
            "start_date": "2026-11-02",
            "reassessment_interval_weeks": "8",
            "next_reassessment_due": "2026-12-28",
        },
    )
    plan.refresh_from_db()
    assert plan.reassessment_interval_weeks == 8 and plan.goal == "Half marathon"

    client.post(reverse("careplans:status", args=[plan.pk]), {"action": "pause"})
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.PAUSED
    again = client.post(
        reverse("careplans:create", args=[client_record.pk]), {"therapist": theo.pk, "start_date": "2026-11-02"}
    )
    assert again.status_code == 302
    dup = client.post(
        reverse("careplans:create", args=[client_record.pk]), {"therapist": theo.pk, "start_date": "2026-11-02"}
    )
    assert "already has an active care plan" in dup.content.decode()


@pytest.mark.django_db
def test_reception_sees_the_plan_but_not_its_goal(client, receptionist, theo, client_record, plan_for):
    plan = plan_for(client_record, theo, goal="Reduce knee valgus")
    client.force_login(receptionist)
    html = client.get(reverse("careplans:detail", args=[plan.pk])).content.decode()
    assert client_record.full_name in html and "Reduce knee valgus" not in html
    assert "Discharge" not in html
    listing = client.get(reverse("careplans:client-plans", args=[client_record.pk])).content.decode()
    assert reverse("careplans:detail", args=[plan.pk]) in listing


@pytest.mark.django_db
def test_api_create_list_filter_retrieve_update(api_as, theo, receptionist, client_record):
    api = api_as(theo)
    created = api.post(
        "/api/care-plans/",
        {"client": client_record.pk, "therapist": theo.pk, "start_date": "2026-11-02", "goal": "10k"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    assert created.json()["next_reassessment_due"] == "2026-12-14" and created.json()["goal"] == "10k"
    other = ClientFactory()
    api.post("/api/care-plans/", {"client": other.pk, "therapist": theo.pk, "start_date": "2026-11-02"}, format="json")
    api.post(f"/api/care-plans/{plan_id}/status/", {"action": "pause"}, format="json")

    assert [p["id"] for p in api.get(f"/api/care-plans/?client={client_record.pk}").json()["results"]] == [plan_id]
    assert [p["client"] for p in api.get("/api/care-plans/?status=ACTIVE").json()["results"]] == [other.pk]
    bad = api.get("/api/care-plans/?status=SLEEPING")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]

    patched = api.patch(f"/api/care-plans/{plan_id}/", {"reassessment_interval_weeks": 4}, format="json")
    assert patched.status_code == 200 and patched.json()["reassessment_interval_weeks"] == 4
    assert api.get(f"/api/care-plans/{plan_id}/").json()["status"] == "PAUSED"
    assert "goal" not in api_as(receptionist).get(f"/api/care-plans/{plan_id}/").json()


@pytest.mark.django_db
def test_api_bad_input_is_specific(api_as, theo, client_record, receptionist):
    api = api_as(theo)
    unknown_client = api.post(
        "/api/care-plans/", {"client": 999999, "therapist": theo.pk, "start_date": "2026-11-02"}, format="json"
    )
    assert unknown_client.status_code == 400 and unknown_client.json()["errors"] == {"client": ["No such client."]}
    not_a_therapist = api.post(
        "/api/care-plans/",
        {"client": client_record.pk, "therapist": receptionist.pk, "start_date": "2026-11-02"},
        format="json",
    )
    assert not_a_therapist.status_code == 400
    assert not_a_therapist.json()["message"].startswith("Unknown therapist")
    client_record.archived_at = NOW
    client_record.save()
    archived = api.post(
        "/api/care-plans/",
        {"client": client_record.pk, "therapist": theo.pk, "start_date": "2026-11-02"},
        format="json",
    )
    assert archived.status_code == 400 and "archived" in archived.json()["message"]
    assert api.get("/api/care-plans/999999/").status_code == 404
