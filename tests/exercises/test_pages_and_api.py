"""Exercise and programme pages and API: therapists manage the library and programmes;
reception and clinic admins see no programme content and no library editor."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clients import services as client_services
from exercises import services
from exercises.models import Exercise, Programme, ProgrammeStatus
from exercises.suggestions import suggest_programme
from tests.factories import ClientFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
SECRET_NOTE = "PROGRAMME-NOTE-SECRET-5521"


@pytest.fixture
def draft(library, therapist):
    suggestion = suggest_programme(focus=[{"code": "weak_gluteus_medius", "side": "left"}, {"code": "low_cadence"}],
                                   measured_cadence=160)
    return services.programme_create_draft(client=ClientFactory(), therapist=therapist, start_date=NOW.date(),
                                           measured_cadence=160, notes=SECRET_NOTE, suggestion=suggestion)


@pytest.fixture
def issued(draft, therapist):
    return services.programme_issue(programme=draft, issued_by=therapist, now=NOW)


def _pages(programme):
    line = programme.exercises.first()
    return {
        "get": ["/exercises/", "/exercises/clamshell/", "/exercises/cues/", "/exercises/new/",
                f"/exercises/clients/{programme.client_id}/programmes/", f"/exercises/programmes/{programme.pk}/",
                f"/exercises/programmes/{programme.pk}/print/"],
        "post": ["/exercises/clamshell/hidden/", "/exercises/cues/cadence/hidden/",
                 f"/exercises/programmes/{programme.pk}/exercises/",
                 f"/exercises/programmes/{programme.pk}/exercises/{line.pk}/remove/",
                 f"/exercises/programmes/{programme.pk}/revise/"],
    }


@pytest.mark.django_db
def test_reception_and_admins_get_403_on_every_page_and_see_no_programme_link(client, draft, receptionist,
                                                                               clinic_admin):
    for user in (receptionist, clinic_admin):
        client.force_login(user)
        pages = _pages(draft)
        for url in pages["get"]:
            response = client.get(url)
            assert response.status_code == 403, url
            assert SECRET_NOTE.encode() not in response.content
        for url in pages["post"]:
            assert client.post(url, {"hidden": "true"}).status_code == 403, url
        home = client.get(f"/clients/{draft.client_id}/").content.decode()
        assert "Exercise programme" not in home and ">Exercises<" not in home  # no link, no timeline entry
    assert not Exercise.objects.filter(hidden=True).exists()


@pytest.mark.django_db
def test_anonymous_visitors_go_to_the_login_page(client, draft):
    for url in _pages(draft)["get"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.django_db
def test_therapist_sees_every_page(client, draft, therapist):
    client.force_login(therapist)
    for url in _pages(draft)["get"]:
        assert client.get(url).status_code == 200, url
    detail = client.get("/exercises/clamshell/").content.decode()
    assert "exercises/illustrations/clamshell" in detail and "Hide from the library" in detail
    assert "/exercises/clamshell/edit/" not in detail  # built-ins are hidden, not edited
    assert client.get("/exercises/clamshell/edit/").status_code == 403
    client_page = client.get(f"/clients/{draft.client_id}/").content.decode()
    assert f"/exercises/clients/{draft.client_id}/programmes/" in client_page
    assert "Exercise programme (draft)" in client_page  # on the timeline


@pytest.mark.django_db
def test_library_search_filters_and_the_hidden_toggle(client, library, therapist):
    client.force_login(therapist)
    assert "Copenhagen plank" in client.get("/exercises/?q=adductor").content.decode()
    assert "Clamshell" not in client.get("/exercises/?q=adductor").content.decode()
    client.post("/exercises/clamshell/hidden/", {"hidden": "true"})
    assert Exercise.objects.get(slug="clamshell").hidden
    assert ">Clamshell<" not in client.get("/exercises/").content.decode()
    assert ">Clamshell<" in client.get("/exercises/?hidden=true").content.decode()
    client.post("/exercises/clamshell/hidden/", {"hidden": "false"})
    assert not Exercise.objects.get(slug="clamshell").hidden


@pytest.mark.django_db
def test_therapist_adds_and_edits_an_own_exercise_and_bad_input_is_kept(client, library, therapist):
    client.force_login(therapist)
    form = {"name": "Banded hip hitch", "category": "STRENGTH", "region": "HIP", "target_muscles": "Glute med",
            "instructions": "Stand tall.", "default_sets": 3, "default_per_week": 3}
    refused = client.post("/exercises/new/", form)
    assert refused.status_code == 400 and "Give repetitions or a hold time" in refused.content.decode()
    assert "Banded hip hitch" in refused.content.decode()
    response = client.post("/exercises/new/", {**form, "default_reps": 12})
    assert response.status_code == 302
    own = Exercise.objects.get(name="Banded hip hitch")
    assert not own.builtin and own.created_by == therapist
    client.post(f"/exercises/{own.slug}/edit/", {**form, "default_reps": 15, "name": "Banded hip hitch"})
    own.refresh_from_db()
    assert own.default_reps == 15


@pytest.mark.django_db
def test_therapist_starts_edits_and_issues_a_programme_through_the_pages(client, library, therapist):
    patient = ClientFactory()
    client.force_login(therapist)
    response = client.post(f"/exercises/clients/{patient.pk}/programmes/", {
        "focus_weak_gluteus_medius": "on", "side_weak_gluteus_medius": "left", "focus_low_cadence": "on",
        "measured_cadence": "160", "start_date": "2026-03-02"})
    assert response.status_code == 302
    programme = Programme.objects.get(client=patient)
    lines = list(programme.exercises.all())
    post = {"lines-TOTAL_FORMS": len(lines), "lines-INITIAL_FORMS": len(lines), "start_date": "2026-03-02",
            "review_date": "2026-04-13", "notes": "Twice a week at least", "action": "issue"}
    for n, line in enumerate(lines):
        post.update({f"lines-{n}-line_id": line.pk, f"lines-{n}-sets": 4 if n == 0 else line.sets,
                     f"lines-{n}-reps": line.reps or "", f"lines-{n}-hold_seconds": line.hold_seconds or "",
                     f"lines-{n}-load": "", f"lines-{n}-per_week": line.per_week, f"lines-{n}-side": line.side,
                     f"lines-{n}-notes": ""})
    bad = client.post(f"/exercises/programmes/{programme.pk}/", {**post, "lines-0-sets": "0"})
    assert bad.status_code == 400
    assert client.post(f"/exercises/programmes/{programme.pk}/", post).status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.ISSUED and programme.version == 1
    assert programme.exercises.first().sets == 4
    page = client.get(f"/exercises/programmes/{programme.pk}/").content.decode()
    assert "Programme version 1" in page and "168 steps/min" in page and "Save draft" not in page
    # An issued programme refuses edits (the page says why; nothing changes).
    client.post(f"/exercises/programmes/{programme.pk}/", {**post, "lines-0-sets": "2", "action": "save"})
    assert programme.exercises.first().sets == 4


@pytest.mark.django_db
def test_a_programme_of_an_erased_client_is_gone(client, api_as, issued, therapist, clinic_admin):
    patient = issued.client
    client_services.client_erase(client=patient, erased_by=clinic_admin, now=timezone.now(),
                                 confirmation=patient.full_name)
    client.force_login(therapist)
    assert client.get(f"/exercises/programmes/{issued.pk}/").status_code == 404
    assert client.get(f"/exercises/clients/{patient.pk}/programmes/").status_code == 404
    api = api_as(therapist)
    assert api.get(f"/api/programmes/{issued.pk}/").status_code == 404
    assert api.get(f"/api/programmes/?client={patient.pk}").status_code == 404
    assert api.post("/api/programmes/", {"client": patient.pk}, format="json").status_code == 404
    issued.refresh_from_db()
    assert issued.notes == ""  # erasure blanked the free text


# API ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_reception_gets_403_from_every_endpoint(api_as, issued, receptionist):
    api = api_as(receptionist)
    for url in ("/api/exercises/", "/api/exercises/1/", "/api/cues/", f"/api/programmes/?client={issued.client_id}",
                f"/api/programmes/{issued.pk}/"):
        assert api.get(url).status_code == 403, url
    for url in ("/api/exercises/", "/api/programmes/", f"/api/programmes/{issued.pk}/issue/",
                f"/api/programmes/{issued.pk}/revise/", "/api/exercises/1/hidden/"):
        response = api.post(url, {}, format="json")
        assert response.status_code == 403 and SECRET_NOTE not in response.content.decode(), url
    assert api.patch(f"/api/programmes/{issued.pk}/", {}, format="json").status_code == 403


@pytest.mark.django_db
def test_api_library_lists_filters_and_adds(api_as, library, therapist):
    api = api_as(therapist)
    body = api.get("/api/exercises/?region=FOOT_ANKLE&page_size=100").json()
    assert body["count"] >= 8 and {row["region"] for row in body["results"]} == {"FOOT_ANKLE"}
    assert body["results"][0]["illustration_url"].endswith(".svg")
    assert api.get("/api/exercises/?region=ELBOW").json()["errors"] == {"region": [
        "Choose one of HIP, KNEE, FOOT_ANKLE, TRUNK."]}
    assert api.get("/api/cues/").json()["count"] == 9
    created = api.post("/api/exercises/", {"name": "Hip thrust", "region": "HIP", "target_muscles": "Glute max",
                                           "instructions": "Drive up.", "default_reps": 10}, format="json")
    assert created.status_code == 201 and created.json()["builtin"] is False
    clamshell = library["clamshell"].pk
    refused = api.patch(f"/api/exercises/{clamshell}/", {"name": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_editable"
    assert api.post(f"/api/exercises/{clamshell}/hidden/", {"hidden": True}, format="json").json()["hidden"] is True


@pytest.mark.django_db
def test_api_programme_draft_update_issue_revise(api_as, library, therapist):
    patient = ClientFactory()
    api = api_as(therapist)
    created = api.post("/api/programmes/", {
        "client": patient.pk, "measured_cadence": 170,
        "focus": [{"code": "knee_valgus", "side": "right"}, {"code": "overstride"}]}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [line["name"] for line in body["exercises"]] == ["Step-down", "Clamshell", "Single-leg squat"]
    assert body["exercises"][0]["side"] == "RIGHT_FIRST"
    assert any("179 steps/min" in cue["wording"] for cue in body["cues"])  # 170 +5 %
    first = body["exercises"][0]["id"]
    updated = api.patch(f"/api/programmes/{body['id']}/", {
        "lines": [{"id": first, "sets": 4, "load": "8 kg"}, {"exercise": library["dead-bug"].pk}],
        "cues": [{"cue": body["cues"][0]["cue"]}]}, format="json")
    assert updated.status_code == 200, updated.json()
    assert [(line["name"], line["sets"], line["load"]) for line in updated.json()["exercises"]] == [
        ("Step-down", 4, "8 kg"), ("Dead bug", 3, "")]
    bad = api.patch(f"/api/programmes/{body['id']}/", {"lines": [{"exercise": 999999}]}, format="json")
    assert bad.status_code == 400
    issued = api.post(f"/api/programmes/{body['id']}/issue/")
    assert issued.status_code == 200 and issued.json()["version"] == 1
    locked = api.patch(f"/api/programmes/{body['id']}/", {"notes": "x"}, format="json")
    assert locked.status_code == 409 and locked.json()["code"] == "programme_issued"
    revised = api.post(f"/api/programmes/{body['id']}/revise/")
    assert revised.status_code == 201 and revised.json()["revised_from"] == body["id"]
    listed = api.get(f"/api/programmes/?client={patient.pk}").json()
    assert [row["status"] for row in listed["results"]] == ["DRAFT", "ISSUED"]
    assert api.post("/api/programmes/", {"client": patient.pk, "focus": [{"code": "bogus"}]},
                    format="json").status_code == 400


@pytest.mark.django_db
def test_programmes_are_in_the_client_export(issued, clinic_admin):
    export = client_services.client_export(client=issued.client, exported_by=clinic_admin, now=NOW)
    with zipfile.ZipFile(export.file) as archive:
        data = json.loads(archive.read("client.json"))
    related = data["related"]
    assert related["exercises.programme"][0]["fields"]["notes"] == SECRET_NOTE
    assert len(related["exercises.programmeexercise"]) == issued.exercises.count()
    assert related["exercises.programmecue"]
