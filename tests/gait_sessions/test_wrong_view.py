"""A clip uploaded with the wrong view (a side clip uploaded as rear): the engine measures it as
labelled and only warns; the review page says so prominently, on the video and on its findings."""

from __future__ import annotations

import re

import pytest

from gait import analysis, services
from gait.models import Finding

from .conftest import NOW, as_upload, make_clip, synthetic_landmarks

pytestmark = pytest.mark.django_db


def _analysed(trial, therapist, path, view, runner_view):
    video = services.video_upload(trial=trial, upload=as_upload(path), view=view, uploaded_by=therapist, now=NOW)
    assert (
        analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks(view=runner_view, overstride=18)) == "done"
    )
    video.refresh_from_db()
    return video


def test_a_side_clip_uploaded_as_rear_is_flagged_on_the_video_and_its_findings(
    client, therapist, media_root, trial, tmp_path, api_as
):
    wrong = _analysed(trial, therapist, make_clip(tmp_path / "side.mp4", seed=1), "rear", "side")
    right = _analysed(trial, therapist, make_clip(tmp_path / "side2.mp4", seed=2), "side", "side")
    assert wrong.report["quality"]["view"] == "rear"  # the engine was not overruled
    client.force_login(therapist)
    page = client.get(f"/gait/sessions/{trial.session_id}/").content.decode()

    def article(video):
        return re.search(rf'<article class="video" data-video="{video.pk}".*?</article>', page, re.S).group(0)

    warning = "Uploaded as a rear view, but the runner looks filmed from the side."
    assert warning in article(wrong) and "Wrong view?" in article(wrong)
    assert "Wrong view?" not in article(right)
    flagged = Finding.objects.filter(video=wrong)
    assert flagged.exists()
    for finding in Finding.objects.filter(session=trial.session):
        block = re.search(rf'<article class="finding" id="finding-{finding.pk}".*?</article>', page, re.S).group(0)
        assert (warning in block) == (finding.video_id == wrong.pk), finding
    videos = api_as(therapist).get(f"/api/gait-videos/?session={trial.session_id}").json()["results"]
    flags = {v["id"]: v["view_warning"] for v in videos}  # in the API too
    assert flags[right.pk] is None and flags[wrong.pk].startswith(warning)


def test_a_rear_clip_uploaded_as_side_is_flagged_too(client, therapist, media_root, trial, tmp_path):
    _analysed(trial, therapist, make_clip(tmp_path / "rear.mp4", seed=3), "side", "rear")
    client.force_login(therapist)
    page = client.get(f"/gait/sessions/{trial.session_id}/").content.decode()
    assert "Uploaded as a side view, but the runner looks filmed from behind or in front." in page
