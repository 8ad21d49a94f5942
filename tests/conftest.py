"""Project-wide fixtures: staff of each role, API clients, a real Celery worker, a browser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.accessibility import STATS as ACCESSIBILITY_STATS
from tests.accessibility import CheckedPage
from tests.factories import ClientFactory, ClinicAdminFactory, ReceptionistFactory, TherapistFactory, UserFactory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GAIT_TEST_DATA = PROJECT_ROOT / "tests" / "data" / "gait"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Staff users are made in most tests; real password hashing would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def receptionist(db):
    return ReceptionistFactory()


@pytest.fixture
def therapist(db):
    return TherapistFactory()


@pytest.fixture
def clinic_admin(db):
    return ClinicAdminFactory()


@pytest.fixture
def no_role_user(db):
    return UserFactory()


@pytest.fixture
def client_record(db):
    return ClientFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient logged in as that user."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def celery_eager():
    """Unit tests only: run tasks in-process. The product never runs eagerly."""
    from clinic.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, using the test database.

    Tests that use it must use `transactional_db` so the worker sees committed rows.
    """
    from django.conf import settings
    from django.db import connection

    from clinic.celery import app

    app.control.purge()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(Path(settings.MEDIA_ROOT).parent / "stridewell-test-worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "clinic", "worker", "-Q", "celery,gait", "--concurrency", "1",
         "--pool", "prefork", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", "test@%h"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"Celery worker exited with {worker.returncode}; see {log.name}")
        if app.control.ping(timeout=1):
            break
    else:
        worker.terminate()
        raise RuntimeError(f"Celery worker did not answer within 60 s; see {log.name}")
    yield worker
    worker.terminate()
    worker.wait(timeout=30)
    log.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server, request):
    """A page on the live server; every document it loads is checked with axe (tests/accessibility.py).

    `@pytest.mark.accessibility_exempt(reason=...)` turns the checks off, for pages that are
    not ours (e.g. the third-party API docs UI); give the reason.
    """
    exempt = request.node.get_closest_marker("accessibility_exempt")
    if exempt is not None and not exempt.kwargs.get("reason"):
        pytest.fail("accessibility_exempt needs reason=... saying why these pages are not checked")
    context = browser.new_context(base_url=live_server.url)
    page = CheckedPage(context.new_page())
    page.set_default_timeout(15_000)
    if exempt is not None:
        page.disable_accessibility_checks()
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a browser test passes, check the state it left the page in (part of the test's result)."""
    result = yield
    page = getattr(item, "funcargs", {}).get("page")
    if isinstance(page, CheckedPage):
        page.check_loaded_document()
    return result


def pytest_terminal_summary(terminalreporter):
    stats = ACCESSIBILITY_STATS
    if stats.checked:
        terminalreporter.write_line(
            f"accessibility: {stats.checked} page states checked with axe (WCAG 2.1 A/AA), "
            f"{stats.same_markup} of them markup that had already passed; axe took {stats.axe_seconds:.1f} s"
        )


@pytest.fixture
def login(page, live_server):
    """login(user) -> page logged in through the real login form."""
    from tests.factories import PASSWORD

    def do_login(user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login


__all__ = ["ClientFactory", "GAIT_TEST_DATA"]
