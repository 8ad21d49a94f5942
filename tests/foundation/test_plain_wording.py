"""Users read sentences, not developer wording: constraint names, "__all__", unbranded plumbing."""

import pytest

from tests.appointments.conftest import at
from tests.factories import ClientFactory, ReceptionistFactory, TherapistFactory, UserFactory


@pytest.mark.django_db
def test_a_leave_that_ends_before_it_starts_is_refused_in_a_sentence_by_the_api(api_as, clinic_admin):
    theo = TherapistFactory()
    body = {"therapist": theo.id, "kind": "LEAVE", "starts_at": at(2026, 12, 4, 12).isoformat(),
            "ends_at": at(2026, 12, 4, 9).isoformat()}  # fmt: skip
    response = api_as(clinic_admin).post("/api/availability/exceptions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "The end must be after the start."


@pytest.mark.django_db
def test_a_leave_that_ends_before_it_starts_is_refused_in_a_sentence_in_the_admin(client, clinic_admin):
    theo = TherapistFactory()
    client.force_login(clinic_admin)
    response = client.post(
        "/admin/appointments/availabilityexception/add/",
        {"therapist": theo.id, "kind": "LEAVE", "starts_at_0": "2026-12-04", "starts_at_1": "12:00",
         "ends_at_0": "2026-12-04", "ends_at_1": "09:00", "note": ""},  # fmt: skip
    )
    html = response.content.decode()
    assert response.status_code == 200 and "The end must be after the start." in html
    assert "Constraint" not in html and "availability_exception_end_after_start" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["workinghours", "availabilityexception"])
def test_hours_and_leave_offer_only_therapists(client, clinic_admin, model):
    theo = TherapistFactory(first_name="Theo", last_name="Hart")
    desk = ReceptionistFactory(first_name="Rita", last_name="Desk")
    client.force_login(clinic_admin)
    html = client.get(f"/admin/appointments/{model}/add/").content.decode()
    select = html[html.index('name="therapist"') : html.index("</select>", html.index('name="therapist"'))]
    assert f'value="{theo.id}"' in select and f'value="{desk.id}"' not in select
    assert f'value="{clinic_admin.id}"' not in select


@pytest.mark.django_db
def test_the_admin_site_is_branded_and_hides_plumbing_from_clinic_admins(client, clinic_admin):
    client.force_login(clinic_admin)
    html = client.get("/admin/").content.decode()
    assert "Stridewell" in html and "Django administration" not in html and "Django site admin" not in html
    assert "Clinic settings" in html
    for internal in ("Access attempts", "Access logs", "Access failures", "Tokens", "/admin/axes/", "/admin/authtoken/"):
        assert internal not in html, internal
    assert client.get("/admin/axes/accesslog/").status_code == 403
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403


@pytest.mark.django_db
def test_superusers_still_reach_the_plumbing(client):
    root = UserFactory()
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    html = client.get("/admin/").content.decode()
    assert "/admin/axes/" in html and "/admin/authtoken/" in html
    assert client.get("/admin/axes/accesslog/").status_code == 200


@pytest.mark.django_db
def test_a_negative_weekly_distance_is_refused_on_the_page_and_in_the_api(client, receptionist, api_as):
    client.force_login(receptionist)
    response = client.post(
        "/clients/new/", {"first_name": "Neg", "last_name": "Distance", "sex": "U", "preferred_channel": "EMAIL",
                          "weekly_distance_km": "-50"}  # fmt: skip
    )
    assert response.status_code == 200 and "Weekly distance cannot be negative." in response.content.decode()
    api = api_as(receptionist).post(
        "/api/clients/", {"first_name": "Neg", "last_name": "Distance", "weekly_distance_km": "-50"}, format="json"
    )
    assert api.status_code == 400 and api.json()["errors"]["weekly_distance_km"] == ["Weekly distance cannot be negative."]
    client_record = ClientFactory()
    from clients.models import Client

    with pytest.raises(Exception, match="client_weekly_distance_not_negative"):
        Client.objects.filter(pk=client_record.pk).update(weekly_distance_km=-1)
