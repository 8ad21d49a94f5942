"""Note pages and the appointment page: therapists read and write notes; reception, admins and
staff without the permission never see note content."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from records import services
from records.models import TreatmentNote
from tests.factories import ClinicAdminFactory, ReceptionistFactory, UserFactory

from .conftest import at

NOW = at(2026, 3, 2, 12)
SECRET = "SUBJECTIVE-SECRET-4471"


def note_url(appointment):
    return f"/notes/appointments/{appointment.pk}/"


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="records", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # fresh instance: no cached permissions


@pytest.fixture
def signed_note(attended, theo):
    return services.note_save(appointment=attended, author=theo, fields={"subjective": SECRET}, now=NOW, sign=True)


@pytest.mark.django_db
def test_therapist_writes_saves_and_signs_a_note(client, attended, theo):
    client.force_login(theo)
    page = client.get(note_url(attended))
    assert page.status_code == 200
    assert b"Save and sign" in page.content

    response = client.post(note_url(attended), {"subjective": "Sore knee", "plan": "Rest", "action": "save"})
    assert response.status_code == 302
    note = TreatmentNote.objects.get(appointment=attended)
    assert (note.subjective, note.plan, note.is_signed) == ("Sore knee", "Rest", False)

    client.post(note_url(attended), {"subjective": "Sore knee", "plan": "Rest, then cadence", "action": "sign"})
    note.refresh_from_db()
    assert (note.plan, note.signed_by, note.is_signed) == ("Rest, then cadence", theo, True)

    page = client.get(note_url(attended)).content.decode()
    assert "Rest, then cadence" in page and "Save draft" not in page and "Add an amendment" in page


@pytest.mark.django_db
def test_a_signed_note_is_not_changed_by_a_posted_form(client, signed_note, theo):
    client.force_login(theo)
    response = client.post(note_url(signed_note.appointment), {"subjective": "rewritten", "action": "save"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "This note is signed" in page and "rewritten" in page  # what was typed is not lost
    signed_note.refresh_from_db()
    assert signed_note.subjective == SECRET


@pytest.mark.django_db
def test_signing_an_empty_note_is_refused_with_a_message(client, attended, theo):
    client.force_login(theo)
    response = client.post(note_url(attended), {"action": "sign"})
    assert response.status_code == 400
    assert "An empty note cannot be signed" in response.content.decode()
    assert not TreatmentNote.objects.filter(signed_at__isnull=False).exists()


@pytest.mark.django_db
def test_amendment_from_the_page(client, signed_note, theo):
    client.force_login(theo)
    url = f"{note_url(signed_note.appointment)}amend/"
    refused = client.post(url, {"reason": "", "text": ""})
    assert refused.status_code == 400 and signed_note.amendments.count() == 0
    client.post(url, {"reason": "Result came later", "text": "X-ray clear."})
    page = client.get(note_url(signed_note.appointment)).content.decode()
    assert "X-ray clear." in page and "Result came later" in page and SECRET in page


@pytest.mark.django_db
def test_note_of_an_appointment_not_attended_cannot_be_written(client, book, theo):
    visit = book(at(2026, 3, 5, 10))
    client.force_login(theo)
    page = client.get(note_url(visit)).content.decode()
    assert "once the appointment is marked attended" in page and "Save draft" not in page
    refused = client.post(note_url(visit), {"subjective": "x", "action": "save"})
    assert refused.status_code == 409 and "attended appointment" in refused.content.decode()
    assert not TreatmentNote.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [ReceptionistFactory, ClinicAdminFactory, UserFactory])
def test_staff_without_the_clinical_role_get_no_note(client, signed_note, make_user):
    client.force_login(make_user())
    url = note_url(signed_note.appointment)
    for response in (
        client.get(url),
        client.post(url, {"subjective": "x", "action": "save"}),
        client.post(f"{url}amend/", {"reason": "r", "text": "t"}),
    ):
        assert response.status_code == 403
        assert SECRET not in response.content.decode()
    assert signed_note.amendments.count() == 0


@pytest.mark.django_db
def test_anonymous_visitors_go_to_login(client, attended):
    response = client.get(note_url(attended))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_permission_alone_decides_read_and_write(client, attended, theo):
    """A user with only the view permission reads notes but cannot write or sign them."""
    services.note_save(appointment=attended, author=theo, fields={"subjective": SECRET}, now=NOW)
    reader = grant(UserFactory(), "view_treatmentnote")
    client.force_login(reader)
    page = client.get(note_url(attended))
    assert page.status_code == 200 and SECRET in page.content.decode()
    assert "Save draft" not in page.content.decode()
    assert client.post(note_url(attended), {"subjective": "x", "action": "save"}).status_code == 403
    assert client.post(note_url(attended), {"subjective": "x", "action": "sign"}).status_code == 403
    assert TreatmentNote.objects.get().subjective == SECRET

    writer = grant(UserFactory(), "view_treatmentnote", "change_treatmentnote")
    client.force_login(writer)
    assert client.post(note_url(attended), {"subjective": "edited", "action": "save"}).status_code == 302
    assert client.post(note_url(attended), {"subjective": "edited", "action": "sign"}).status_code == 403
    assert not TreatmentNote.objects.get().is_signed


@pytest.mark.django_db
def test_appointment_page_links_to_client_and_note_for_therapists(client, signed_note, theo):
    appointment = signed_note.appointment
    client.force_login(theo)
    page = client.get(f"/appointments/{appointment.pk}/").content.decode()
    assert f'href="/clients/{appointment.client_id}/"' in page
    assert "Treatment note" in page and f'href="{note_url(appointment)}"' in page and "Signed" in page


@pytest.mark.django_db
def test_appointment_page_offers_to_write_the_missing_note(client, attended, theo):
    client.force_login(theo)
    page = client.get(f"/appointments/{attended.pk}/").content.decode()
    assert "Write the treatment note" in page and f'href="{note_url(attended)}"' in page


@pytest.mark.django_db
def test_appointment_page_shows_reception_no_note(client, signed_note):
    appointment = signed_note.appointment
    client.force_login(ReceptionistFactory())
    page = client.get(f"/appointments/{appointment.pk}/").content.decode()
    assert f'href="/clients/{appointment.client_id}/"' in page
    assert "Treatment note" not in page and note_url(appointment) not in page and SECRET not in page


@pytest.mark.django_db
def test_roles_give_notes_to_therapists_only_and_nobody_deletes_them():
    from django.contrib.auth.models import Group

    from accounts.roles import CLINIC_ADMIN, RECEPTION, THERAPIST

    def records_perms(role):
        return {p.codename for p in Group.objects.get(name=role).permissions.filter(content_type__app_label="records")}

    assert records_perms(THERAPIST) == {
        "view_treatmentnote", "add_treatmentnote", "change_treatmentnote", "sign_treatmentnote",
        "view_treatmentnoteamendment", "add_treatmentnoteamendment",
    }
    assert records_perms(RECEPTION) == records_perms(CLINIC_ADMIN) == set()
