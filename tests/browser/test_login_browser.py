import pytest

from tests.factories import PASSWORD, TherapistFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_therapist_logs_in_and_sees_today(page, live_server):
    TherapistFactory(username="therapist", first_name="Theo")
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "therapist")
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text().startswith("Your username or password is not right")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Today,")
    assert "Good to see you, Theo" in page.content()
    assert page.get_by_role("link", name="Clients").is_visible()
    assert page.get_by_role("link", name="Staff").count() == 0
