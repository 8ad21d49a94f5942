"""The comparison page, the client's gait timeline and the links to them, on really analysed
videos (the engine in-process on synthetic runners); permissions; bounded query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gait import services
from gait.comparisons import trial_comparison
from tests.factories import ClientFactory

from .scenario import build_client_with_sessions, video_with_report_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(therapist, media_root, tmp_path):
    return build_client_with_sessions(therapist, tmp_path)


def compare_url(a, b, **extra):
    tail = "".join(f"&{k}={v}" for k, v in extra.items())
    return f"/gait/compare/?a={a.pk}&b={b.pk}{tail}"


def test_the_comparison_page_shows_changes_verdicts_sdds_and_the_player(client, therapist, scenario):
    baseline, cues = scenario.trials["baseline"], scenario.trials["cues"]
    client.force_login(therapist)
    response = client.get(compare_url(baseline, cues))
    assert response.status_code == 200
    html = response.content.decode()
    expected = trial_comparison(trial_a_id=baseline.pk, trial_b_id=cues.pk).views[0]
    overstride = next(r for r in expected.rows if r["metric"] == "overstride" and r["side"] == "left")
    assert overstride["verdict"] == "improved" and overstride["change"] < -4.8
    row = re.search(r'<tr data-metric="overstride" data-side="left" data-verdict="improved">(.*?)</tr>', html, re.S)
    assert row and "4.8 deg" in row.group(1) and ">improved<" in row.group(1)
    unchanged = re.search(r'<tr data-metric="trunk_lean" data-side="left" data-verdict="no detectable change">(.*?)</tr>',
                          html, re.S)  # fmt: skip
    assert unchanged and "4.8 deg" in unchanged.group(1), "the SDD is shown beside no detectable change"
    for video in (expected.video_a, expected.video_b):
        assert f'src="/gait/videos/{video.pk}/media/playable"' in html
    strides = re.findall(r'<tr data-stride="(\d+)" data-time-a="([\d.]+)" data-time-b="([\d.]+)"', html)
    assert len(strides) == len(expected.strides) >= 3
    assert [float(t) for _, t, _ in strides] == [e["time_a"] for e in expected.strides]
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)  # strict CSP


def test_the_session_page_links_to_its_comparisons_and_the_timeline(client, therapist, scenario):
    client.force_login(therapist)
    html = client.get(f"/gait/sessions/{scenario.current.pk}/").content.decode()
    baseline, cues, first = scenario.trials["baseline"], scenario.trials["cues"], scenario.trials["first"]
    assert (
        f'href="/gait/compare/?a={baseline.pk}&amp;b={cues.pk}" data-compare="cues">Compare baseline with cues' in html
    )
    assert (
        f'href="/gait/compare/?a={first.pk}&amp;b={baseline.pk}" data-compare="previous">Compare with previous' in html
    )
    assert 'data-compare="first"' not in html  # the previous session is the first one
    assert f'href="/gait/clients/{scenario.client.pk}/timeline/"' in html
    first_page = client.get(f"/gait/sessions/{scenario.sessions[0].pk}/").content.decode()
    assert "data-compare=" not in first_page  # nothing earlier, no cued run


def test_the_timeline_lists_sessions_with_trend_charts_and_their_tables(client, therapist, scenario):
    client.force_login(therapist)
    assert (
        f'href="/gait/clients/{scenario.client.pk}/timeline/"'
        in client.get(f"/clients/{scenario.client.pk}/").content.decode()
    )
    html = client.get(f"/gait/clients/{scenario.client.pk}/timeline/").content.decode()
    charts = re.findall(r'<figure class="trend" data-metric="(\w+)">', html)
    assert charts[:2] == ["cadence", "overstride"] and "contact_time" in charts
    assert html.count('<svg role="img" aria-labelledby="trend-') == len(charts)
    assert (
        'id="trend-overstride"' in html
        and "Overstride (shank angle at contact) (deg), left and right, 2 sessions" in html
    )
    assert "style=" not in html and "<style" not in html  # the strict CSP would block both
    for session in scenario.sessions:
        assert f'<tr data-session="{session.pk}">' in html
    assert 'data-compare="cues">Compare baseline with cues' in html and 'data-compare="previous"' in html


def test_reception_sees_neither_page_nor_the_link(client, receptionist, scenario):
    client.force_login(receptionist)
    baseline, cues = scenario.trials["baseline"], scenario.trials["cues"]
    assert client.get(compare_url(baseline, cues)).status_code == 403
    assert client.get(f"/gait/clients/{scenario.client.pk}/timeline/").status_code == 403
    assert "timeline/" not in client.get(f"/clients/{scenario.client.pk}/").content.decode()


def test_refusals_on_the_page(client, therapist, scenario):
    client.force_login(therapist)
    other_session = services.session_create(client=ClientFactory(), therapist=therapist, created_by=therapist,
                                            date=scenario.current.date)  # fmt: skip
    other = services.trial_create(session=other_session, kind="BASELINE", label="Baseline", by=therapist)
    refused = client.get(compare_url(scenario.trials["baseline"], other))
    assert refused.status_code == 400 and "different clients" in refused.content.decode()
    assert client.get("/gait/compare/?a=999999&b=999998").status_code == 404
    assert client.get("/gait/compare/").status_code == 400
    assert client.get("/gait/clients/999999/timeline/").status_code == 404


def test_query_counts_do_not_grow_with_the_sessions(client, therapist, scenario, video_with_report):
    """The timeline and the comparison page make a fixed number of queries, however many sessions."""
    client.force_login(therapist)
    baseline, cues = scenario.trials["baseline"], scenario.trials["cues"]

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    timeline = f"/gait/clients/{scenario.client.pk}/timeline/"
    before = count(timeline), count(compare_url(baseline, cues))
    for i in range(4):
        video_with_report_row(scenario, video_with_report, weeks=20 + 6 * i)
    after = count(timeline), count(compare_url(baseline, cues))
    assert after == before
    assert before[1] <= 12, before  # session, auth, trials, videos, choices, access log, ...


def test_views_to_choose_from_and_no_common_view_said_on_the_page(client, therapist, gait_session, video_with_report):
    from .conftest import report

    baseline = services.trial_create(session=gait_session, kind="BASELINE", label="Baseline", by=therapist)
    cues = services.trial_create(session=gait_session, kind="WITH_CUES", label="With cues", by=therapist)
    client.force_login(therapist)
    video_with_report(baseline, report({"overstride": (12.0, 11.0, "deg")}))
    video_with_report(cues, report({"pelvic_drop": (5.0, 5.0, "deg")}, view="rear"))
    html = client.get(compare_url(baseline, cues)).content.decode()
    assert "no analysed video of a common view" in html and "data-compare-player" not in html
    video_with_report(baseline, report({"pelvic_drop": (8.0, 5.0, "deg")}, view="rear"))
    video_with_report(cues, report({"overstride": (5.0, 11.0, "deg")}))
    html = client.get(compare_url(baseline, cues)).content.decode()
    assert f'href="?a={baseline.pk}&amp;b={cues.pk}&amp;view=rear"' in html
    assert 'data-metric="overstride" data-side="left" data-verdict="improved"' in html  # side view first
    rear = client.get(compare_url(baseline, cues, view="rear")).content.decode()
    assert 'data-metric="pelvic_drop" data-side="left" data-verdict="improved"' in rear
    assert 'data-metric="pelvic_drop" data-side="right" data-verdict="no detectable change"' in rear
    assert "Rear view: what changed" in rear and 'data-metric="overstride"' not in rear
