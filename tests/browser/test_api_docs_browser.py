import pytest

from tests.factories import TherapistFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.accessibility_exempt(reason="Swagger UI is a third-party developer tool, not a clinic page")
def test_api_docs_render_their_operations_under_the_strict_csp(page, login):
    login(TherapistFactory())
    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.get_by_text("Stridewell API").first.is_visible()
    assert page.locator(".opblock").count() > 30
