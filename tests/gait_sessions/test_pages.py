"""Gait pages: the client page section per role, starting a session, the session page."""

from __future__ import annotations

import pytest

from gait.models import ClinicalTest, Finding, GaitSession, Review

pytestmark = pytest.mark.django_db


def test_client_page_shows_sessions_with_status_to_reception_without_links(client, receptionist, gait_session):
    client.force_login(receptionist)
    page = client.get(f"/clients/{gait_session.client_id}/").content.decode()
    assert "Gait session with" in page and "No videos yet" in page  # on the client timeline
    assert f"/gait/sessions/{gait_session.pk}/" not in page and "New gait session" not in page
    assert client.get(f"/gait/sessions/{gait_session.pk}/").status_code == 403


def test_therapist_starts_a_session_with_standing_tests(client, therapist, consenting_client):
    client.force_login(therapist)
    page = client.get(f"/clients/{consenting_client.pk}/").content.decode()
    assert f"/gait/clients/{consenting_client.pk}/sessions/new/" in page
    response = client.post(f"/gait/clients/{consenting_client.pk}/sessions/new/", {
        "date": "2026-03-02", "therapist": therapist.pk, "treadmill_speed_kmh": "11.5", "footwear": "SHOES",
        "pain_today": "2", "strength_left": "4", "strength_right": "5", "trendelenburg_right": "positive",
        "squat_left": "POOR", "balance_left": "21.5", "other": "Calf raises 25/31",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    session = GaitSession.objects.get(client=consenting_client)
    assert response["Location"] == f"/gait/sessions/{session.pk}/"
    assert ClinicalTest.objects.filter(session=session).count() == 6
    assert session.trials.get().label == "Baseline"
    page = client.get(response["Location"]).content.decode()
    assert "Drop treadmill videos here" in page and "Up to 2048 MB" in page


def test_session_page_review_and_sign_off(client, therapist, analysed):
    client.force_login(therapist)
    session = analysed.trial.session
    url = f"/gait/sessions/{session.pk}/"
    page = client.get(url).content.decode()
    assert "Overstride" in page and "Threshold" in page and "metric-chart" in page and "Annotated" in page
    for finding in Finding.objects.filter(session=session):
        response = client.post(f"/gait/findings/{finding.pk}/review/", {"action": "accept", "note": "ok"})
        assert response.status_code == 302
    assert not Finding.objects.filter(session=session, review=Review.PENDING).exists()
    client.post(f"/gait/sessions/{session.pk}/findings/", {"code": "crossover", "severity": "mild"})
    client.post(f"/gait/sessions/{session.pk}/sign-off/")
    session.refresh_from_db()
    assert session.is_signed_off
    page = client.get(url).content.decode()
    assert "Reason for amendment" in page and "The record as signed off" in page
    finding = Finding.objects.filter(session=session).first()
    refused = client.post(f"/gait/findings/{finding.pk}/review/", {"action": "reject"}, follow=True)
    assert "need a reason" in refused.content.decode()
    assert Finding.objects.get(pk=finding.pk).review == Review.ACCEPTED


def test_review_page_charts_each_metric_per_step_left_against_right(client, therapist, analysed):
    import base64
    import re

    overstride = analysed.report["metrics"]["overstride"]
    per_step = overstride["per_step"]
    for side in ("left", "right"):  # every measured step, in the stored report
        assert len(per_step[side]) == overstride["steps"][side] >= 2
    assert len(per_step["frames"]["left"]) == len(per_step["left"])
    client.force_login(therapist)
    page = client.get(f"/gait/sessions/{analysed.trial.session_id}/").content.decode()
    figure = re.search(r'<figure class="chart" data-metric="overstride">(.*?)</figure>', page, re.S).group(1)
    image = re.search(
        r'<img class="metric-chart per-step" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', figure
    )
    svg = base64.b64decode(image.group(1)).decode()
    assert svg.count("<path") >= 2 and "time (s)" in svg and "#e08a00" in svg and "#0a84c6" in svg  # a line a side
    assert f"left {len(per_step['left'])} steps, median" in image.group(2)  # the text alternative
    assert "Values per step" in figure and figure.count("<tr>") == 1 + max(
        map(len, (per_step["left"], per_step["right"]))
    )
    assert f"<td>{per_step['left'][0]} <small>at " in figure


def test_a_report_from_before_per_step_values_still_renders_as_bars(client, therapist, analysed):
    report = analysed.report
    for entry in report["metrics"].values():
        entry.pop("per_step")
    type(analysed).objects.filter(pk=analysed.pk).update(report=report)
    client.force_login(therapist)
    page = client.get(f"/gait/sessions/{analysed.trial.session_id}/").content.decode()
    assert '<svg class="metric-chart" role="img" aria-label="Overstride: left' in page
    assert "per-step" not in page and "Values per step" not in page
