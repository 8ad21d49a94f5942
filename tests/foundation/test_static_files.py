"""Static files: served by the finders before `collectstatic` has run, without start-up noise."""

import warnings

from django.test import override_settings

from core.middleware import StaticFilesMiddleware


def test_no_warning_about_a_missing_static_root_before_collectstatic(tmp_path, client):
    with (
        override_settings(STATIC_ROOT=tmp_path / "not-collected", WHITENOISE_USE_FINDERS=True),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        StaticFilesMiddleware(lambda request: None)
    assert [str(w.message) for w in caught if "No directory" in str(w.message)] == []


def test_the_stylesheet_is_served(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
