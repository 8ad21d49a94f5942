"""/api/gait-comparisons/: the change per metric with its SDD verdict (at, just under and just
over each SDD), the matched contacts, who may ask, and clear refusals."""

from __future__ import annotations

import pytest

from gait import services
from gait.clinical.comparison import SDD, matched_events
from gait.models import AccessKind, GaitAccess, VideoStatus
from tests.factories import ClientFactory

from .conftest import NOW, report

pytestmark = pytest.mark.django_db

URL = "/api/gait-comparisons/"
BASE = {"deg": 5.0, "% shoulder width": 5.0, "% leg length": 20.0, "steps/min": 170.0, "ms": 250.0, "%": 35.0,
        "dBFS": -20.0}  # fmt: skip


@pytest.fixture
def two_trials(gait_session, therapist):
    baseline = services.trial_create(session=gait_session, kind="BASELINE", label="Baseline", by=therapist)
    cues = services.trial_create(session=gait_session, kind="WITH_CUES", label="With cues", cues="run quietly",
                                 by=therapist)  # fmt: skip
    return baseline, cues


def compare(api, a, b):
    return api.get(URL, {"a": a.pk, "b": b.pk})


@pytest.mark.parametrize("delta, detectable", [(0.0, True), (-0.01, False), (0.01, True)])
def test_every_sdd_at_just_under_and_just_over_through_the_api(
    api_as, therapist, two_trials, video_with_report, delta, detectable
):
    baseline, cues = two_trials
    before, now = {}, {}
    for metric, sdd in SDD.items():
        base = BASE[sdd.unit]
        before[metric] = (base, base, sdd.unit)
        now[metric] = (
            round(base + sdd.value + delta, 2),
            round(base - sdd.value - delta, 2),
            sdd.unit,
        )  # up left, down right
    video_with_report(baseline, report(before))
    video_with_report(cues, report(now))
    body = compare(api_as(therapist), baseline, cues).json()
    (view,) = body["views"]
    rows = {(r["metric"], r["side"]): r for r in view["metrics"]}
    assert {m for m, _ in rows} == set(SDD)
    for (metric, side), row in rows.items():
        assert row["sdd"] == SDD[metric].value and row["sdd_source"] == SDD[metric].source
        assert row["detectable"] is detectable, row
        if not detectable:
            assert row["verdict"] == "no detectable change", row
        elif SDD[metric].better == "lower":  # left went up by the SDD (worse), right down (improved)
            assert row["verdict"] == ("worse" if side == "left" else "improved"), row
        elif metric != "cadence":
            assert row["verdict"] == "changed", row


def test_pelvic_drop_exactly_at_its_sdd_and_cadence_judged_by_the_runners_band(
    api_as, therapist, gait_session, two_trials, video_with_report
):
    baseline, cues = two_trials
    gait_session.height_cm, gait_session.treadmill_speed_kmh = 175, 10.8  # band about 162-178 steps/min
    gait_session.save()
    video_with_report(baseline, report({"pelvic_drop": (5.0, 5.0, "deg"), "cadence": (150.0, 150.0, "steps/min")}))
    video_with_report(cues, report({"pelvic_drop": (7.8, 7.79, "deg"), "cadence": (165.0, 159.0, "steps/min")}))
    rows = {
        (r["metric"], r["side"]): r for r in compare(api_as(therapist), baseline, cues).json()["views"][0]["metrics"]
    }
    assert (rows["pelvic_drop", "left"]["change"], rows["pelvic_drop", "left"]["verdict"]) == (2.8, "worse")
    assert rows["pelvic_drop", "right"]["verdict"] == "no detectable change"
    assert rows["cadence", "left"]["verdict"] == "improved"  # 15 steps/min closer to the band
    # 159 - 150 = 9 steps/min, under the 9.96 SDD: no detectable change, though closer to the band.
    assert rows["cadence", "right"]["verdict"] == "no detectable change"


def test_matched_events_and_videos_of_the_common_view(api_as, therapist, two_trials, video_with_report):
    baseline, cues = two_trials
    events_b = {"left": {"initial_contact": [40, 61]}, "right": {"initial_contact": [20, 50, 80]}}
    a = video_with_report(baseline, report({"overstride": (12.0, 11.0, "deg")}, fps=60.0))
    video_with_report(baseline, report({"pelvic_drop": (6.0, 5.0, "deg")}, view="rear"))
    b = video_with_report(cues, report({"overstride": (5.0, 5.0, "deg")}, fps=30.0, events=events_b))
    body = compare(api_as(therapist), baseline, cues).json()
    assert body["same_session"] is True and body["message"] == ""
    assert body["a"]["analysed_views"] == ["side", "rear"] and body["b"]["analysed_views"] == ["side"]
    (view,) = body["views"]  # only the side view is common
    assert (view["view"], view["video_a"]["id"], view["video_b"]["id"]) == ("side", a.pk, b.pk)
    assert view["video_a"]["playable_url"] == f"/gait/videos/{a.pk}/media/playable"
    expected = matched_events(a.report["events"], events_b, 60.0, 30.0)
    assert view["matched_events"] == [p.as_dict() for p in expected]
    left = [e for e in view["matched_events"] if e["side"] == "left"]
    assert [(e["n"], e["frame_a"], e["frame_b"]) for e in left] == [(0, 10, 40), (1, 52, 61)]
    assert left[1]["time_a"] == pytest.approx(52 / 60, abs=1e-4) and left[1]["time_b"] == pytest.approx(
        61 / 30, abs=1e-4
    )
    assert view["stride_side"] == "left"
    assert [r["verdict"] for r in view["metrics"]] == ["improved", "improved"]
    assert GaitAccess.objects.filter(kind=AccessKind.FINDINGS, what__startswith="comparison of trials").count() == 1


def test_post_gives_the_same_answer(api_as, therapist, two_trials, video_with_report):
    baseline, cues = two_trials
    video_with_report(baseline, report({"overstride": (12.0, 11.0, "deg")}))
    video_with_report(cues, report({"overstride": (5.0, 5.0, "deg")}))
    api = api_as(therapist)
    posted = api.post(URL, {"a": baseline.pk, "b": cues.pk}, format="json")
    assert posted.status_code == 200 and posted.json() == compare(api, baseline, cues).json()


def test_no_common_analysed_view_is_said_plainly(api_as, therapist, two_trials, video_with_report):
    baseline, cues = two_trials
    video_with_report(baseline, report({"overstride": (12.0, 11.0, "deg")}))
    video_with_report(cues, report({"pelvic_drop": (5.0, 5.0, "deg")}, view="rear"))
    video_with_report(cues, report({}), status=VideoStatus.FAILED)
    response = compare(api_as(therapist), baseline, cues)
    assert response.status_code == 200
    body = response.json()
    assert body["views"] == []
    assert body["message"] == (
        "The two trials have no analysed video of a common view to compare: "
        f"{NOW:%-d %b %Y} · Baseline has side view; {NOW:%-d %b %Y} · With cues has rear view."
    )


def test_trials_of_two_sessions_of_the_client(api_as, therapist, gait_session, two_trials, video_with_report):
    baseline, _ = two_trials
    later = services.session_create(
        client=gait_session.client,
        therapist=therapist,
        created_by=therapist,
        date=gait_session.date.replace(year=gait_session.date.year + 1),
    )
    now = services.trial_create(session=later, kind="BASELINE", label="Baseline", by=therapist)
    video_with_report(baseline, report({"overstride": (12.0, 11.0, "deg")}))
    video_with_report(now, report({"overstride": (6.0, 11.0, "deg")}))
    body = compare(api_as(therapist), baseline, now).json()
    assert body["same_session"] is False and body["b"]["session"] == later.pk
    assert [r["verdict"] for r in body["views"][0]["metrics"]] == ["improved", "no detectable change"]


def test_reception_and_admins_get_403(api_as, receptionist, clinic_admin, two_trials, video_with_report):
    baseline, cues = two_trials
    video_with_report(baseline, report({"overstride": (12.0, 11.0, "deg")}))
    video_with_report(cues, report({"overstride": (5.0, 5.0, "deg")}))
    for user in (receptionist, clinic_admin):
        assert compare(api_as(user), baseline, cues).status_code == 403
        assert api_as(user).post(URL, {"a": baseline.pk, "b": cues.pk}, format="json").status_code == 403
    assert not GaitAccess.objects.exists()


def test_trials_of_another_client_are_refused_with_400(api_as, therapist, two_trials, video_with_report):
    baseline, _ = two_trials
    other_client = ClientFactory()
    other_session = services.session_create(
        client=other_client, therapist=therapist, created_by=therapist, date=NOW.date()
    )
    other = services.trial_create(session=other_session, kind="BASELINE", label="Baseline", by=therapist)
    video_with_report(baseline, report({"overstride": (12.0, 11.0, "deg")}))
    video_with_report(other, report({"overstride": (5.0, 5.0, "deg")}))
    response = compare(api_as(therapist), baseline, other)
    assert response.status_code == 400
    assert response.json()["code"] == "not_comparable"
    assert "different clients" in response.json()["message"]
    assert not GaitAccess.objects.exists()


def test_bad_input_is_400_with_the_field_named_and_unknown_trials_404(api_as, therapist, two_trials):
    baseline, cues = two_trials
    api = api_as(therapist)
    missing = api.get(URL, {"a": baseline.pk})
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["b"]
    word = api.get(URL, {"a": "first", "b": cues.pk})
    assert word.status_code == 400 and list(word.json()["errors"]) == ["a"]
    same = api.get(URL, {"a": baseline.pk, "b": baseline.pk})
    assert same.status_code == 400 and "two different trials" in same.json()["message"]
    unknown = api.get(URL, {"a": baseline.pk, "b": cues.pk + 1000})
    assert unknown.status_code == 404 and f"b={cues.pk + 1000}" in unknown.json()["message"]
    assert api.post(URL, ["not", "an", "object"], format="json").status_code == 400
    assert api.get(URL, {"a": baseline.pk, "b": 2**63}).status_code == 400
