"""One source for the clinic's name: Clinic settings, with CLINIC_NAME only the fresh install's default."""

import pytest

from core.models import ClinicSettings
from core.selectors import clinic_name


@pytest.mark.django_db
def test_a_fresh_install_is_named_by_the_clinic_name_setting(client, receptionist, settings):
    settings.CLINIC_NAME = "Harbour Physio"
    client.force_login(receptionist)
    assert clinic_name() == "Harbour Physio"
    assert '<span class="clinic">Harbour Physio</span>' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_name_set_in_clinic_settings_is_the_one_every_page_shows(client, receptionist, settings):
    settings.CLINIC_NAME = "Harbour Physio"
    ClinicSettings.objects.create(name="Riverside Running Clinic")
    client.force_login(receptionist)
    page = client.get("/clients/").content.decode()
    assert '<span class="clinic">Riverside Running Clinic</span>' in page and "Harbour Physio" not in page
    client.logout()
    public = client.get("/care/book/not-a-real-link/").content.decode()  # the client's self-booking page
    assert "Riverside Running Clinic" in public and "Harbour Physio" not in public
