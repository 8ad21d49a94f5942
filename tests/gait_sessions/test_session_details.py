"""Session details after the session was started: the page form (an amendment with a reason once
signed off) and the API, including the runner's height and leg length the target bands need."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gait import services
from gait.models import Amendment, GaitSession

from .conftest import NOW

pytestmark = pytest.mark.django_db

DETAILS = {
    "date": "2026-03-03",
    "treadmill_speed_kmh": "12.0",
    "treadmill_incline_pct": "1.0",
    "footwear": "BAREFOOT",
    "footwear_detail": "",
    "pain_today": "3",
    "height_cm": "178.5",
    "leg_length_cm": "91.0",
    "notes": "Left knee pain after 5 km.",
}


def _signed_off(session, therapist):
    return services.session_sign_off(session=session, by=therapist, now=NOW)


def test_therapist_edits_details_before_sign_off(client, therapist, gait_session):
    client.force_login(therapist)
    url = f"/gait/sessions/{gait_session.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Height (cm)" in page and "Leg length" in page and 'value="11.0"' in page  # the current speed
    assert "Reason for amendment" not in page
    response = client.post(url, DETAILS)
    assert response.status_code == 302 and response["Location"] == f"/gait/sessions/{gait_session.pk}/"
    session = GaitSession.objects.get(pk=gait_session.pk)
    assert (session.height_cm, session.leg_length_cm, session.pain_today) == (Decimal("178.5"), Decimal("91.0"), 3)
    assert str(session.date) == "2026-03-03" and session.footwear == "BAREFOOT"
    assert not Amendment.objects.filter(session=session).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "178.5 cm, 91.0 cm" in detail and "Edit session details" in detail


def test_after_sign_off_an_edit_needs_a_reason_and_is_an_amendment(client, therapist, gait_session):
    _signed_off(gait_session, therapist)
    client.force_login(therapist)
    url = f"/gait/sessions/{gait_session.pk}/edit/"
    assert "Reason for amendment" in client.get(url).content.decode()
    changed = {**DETAILS, "date": "2026-03-02"}
    refused = client.post(url, changed)
    assert refused.status_code == 200
    assert "give the reason for this amendment" in refused.content.decode()
    assert GaitSession.objects.get(pk=gait_session.pk).height_cm is None  # nothing saved

    response = client.post(url, {**changed, "reason": "Height measured after the run"})
    assert response.status_code == 302
    amendment = Amendment.objects.get(session=gait_session)
    assert amendment.author == therapist and amendment.reason == "Height measured after the run"
    assert amendment.target == "session"
    assert amendment.before["height_cm"] is None and amendment.after["height_cm"] == "178.5"
    session = GaitSession.objects.get(pk=gait_session.pk)
    assert session.height_cm == Decimal("178.5") and session.signed_off_record["session"]["height_cm"] is None
    assert "Height measured after the run" in client.get(response["Location"]).content.decode()


def test_reception_may_not_open_or_post_the_details_form(client, receptionist, gait_session):
    client.force_login(receptionist)
    url = f"/gait/sessions/{gait_session.pk}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, DETAILS).status_code == 403
    assert GaitSession.objects.get(pk=gait_session.pk).height_cm is None


def test_implausible_values_get_a_clear_field_error(client, therapist, gait_session):
    client.force_login(therapist)
    response = client.post(
        f"/gait/sessions/{gait_session.pk}/edit/", {**DETAILS, "height_cm": "50", "leg_length_cm": "300"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_height_cm-error">Height is in centimetres: between 100 and 230.' in page
    assert 'id="id_leg_length_cm-error">Leg length is in centimetres: between 40 and 130.' in page
    assert GaitSession.objects.get(pk=gait_session.pk).height_cm is None


def test_the_create_form_takes_height_and_leg_length(client, therapist, consenting_client):
    client.force_login(therapist)
    response = client.post(
        f"/gait/clients/{consenting_client.pk}/sessions/new/",
        {
            "date": "2026-03-02",
            "therapist": therapist.pk,
            "footwear": "SHOES",
            "height_cm": "165",
            "leg_length_cm": "84.5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = GaitSession.objects.get(client=consenting_client)
    assert (session.height_cm, session.leg_length_cm) == (Decimal("165.0"), Decimal("84.5"))


def test_api_creates_and_patches_height_and_leg_length(api_as, therapist, receptionist, consenting_client):
    api = api_as(therapist)
    created = api.post("/api/gait-sessions/", {"client": consenting_client.pk, "height_cm": "181.0"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["height_cm"] == "181.0" and body["leg_length_cm"] is None
    url = f"/api/gait-sessions/{body['id']}/"
    bad = api.patch(url, {"height_cm": 50}, format="json")
    assert bad.status_code == 400 and "height_cm" in bad.json()["errors"]
    assert api_as(receptionist).patch(url, {"leg_length_cm": "90"}, format="json").status_code == 403
    patched = api.patch(url, {"leg_length_cm": "92.5", "date": "2026-03-01"}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["leg_length_cm"] == "92.5" and patched.json()["date"] == "2026-03-01"
    listed = api.get(f"/api/gait-sessions/?client={consenting_client.pk}").json()["results"]
    assert listed[0]["height_cm"] == "181.0"
    assert "height_cm" not in api_as(receptionist).get(url).json()  # clinical detail, not for reception
