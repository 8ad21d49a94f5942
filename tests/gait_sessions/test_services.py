"""Sessions, uploads (consent, size, probe, duplicates), review, sign-off and amendments."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from clients.models import ConsentPurpose
from clients.services import ConsentMissing, consent_record
from core.exceptions import ConflictError
from gait import analysis, services
from gait.models import Amendment, ClinicalTest, Finding, Review, VideoStatus
from gait.selectors import SessionStatus, session_get, session_status

from .conftest import NOW, TODAY, as_upload, make_clip, synthetic_landmarks

pytestmark = pytest.mark.django_db


def upload(trial, path, user, **kw):
    return services.video_upload(trial=trial, upload=as_upload(path, **kw), view="auto", uploaded_by=user, now=NOW)


def test_upload_stores_the_original_unchanged_and_queues_it(media_root, trial, therapist, clip):
    video = upload(trial, clip, therapist)
    assert video.status == VideoStatus.QUEUED
    assert (video.width, video.height, round(video.fps), video.codec) == (320, 240, 60, "h264")
    assert abs(video.duration_s - 3.0) < 0.1
    stored = video.original.storage.open(video.original.name).read()
    assert stored == clip.read_bytes()
    assert video.sha256 == hashlib.sha256(stored).hexdigest()
    assert video.original.name.startswith(f"gait/client-{trial.session.client_id}/")
    assert session_status(session_get(session_id=trial.session_id)) == SessionStatus.ANALYSING


def test_small_uploads_held_in_memory_are_stored_too(media_root, trial, therapist, clip):
    video = upload(trial, clip, therapist, on_disk=False)
    assert video.size_bytes == clip.stat().st_size


def test_no_recording_consent_no_upload(media_root, trial, therapist, clip):
    consent_record(client=trial.session.client, purpose=ConsentPurpose.VIDEO, granted=False, recorded_by=therapist,
                   now=NOW + timedelta(minutes=1))
    with pytest.raises(ConsentMissing, match="video recording"):
        upload(trial, clip, therapist)
    assert not list(media_root.rglob("*.mp4"))


def test_too_big_is_refused_with_the_limit(settings, media_root, trial, therapist, clip):
    settings.GAIT_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(services.VideoTooLarge, match="limit") as refused:
        upload(trial, clip, therapist)
    assert refused.value.extra["limit_bytes"] == 1000


@pytest.mark.parametrize(
    "content,reason",
    [(b"hello, not a video\n" * 50, "not a readable video"), (None, "truncated")],
)
def test_not_a_video_or_truncated_is_refused_with_the_reason(media_root, trial, therapist, clip, tmp_path,
                                                               content, reason):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content if content is not None else clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(services.VideoRejected) as refused:
        upload(trial, bad, therapist)
    assert "bad.mp4" in refused.value.message
    assert refused.value.message  # the engine's one-line reason
    assert not list(media_root.rglob("original.*"))


def test_unknown_view_is_refused(media_root, trial, therapist, clip):
    with pytest.raises(services.VideoRejected, match="Unknown view"):
        services.video_upload(trial=trial, upload=as_upload(clip), view="diagonal", uploaded_by=therapist, now=NOW)


def test_the_same_file_twice_is_refused_with_a_link_to_the_first(media_root, trial, therapist, clip):
    first = upload(trial, clip, therapist)
    with pytest.raises(services.DuplicateVideo) as refused:
        upload(trial, clip, therapist, name="renamed.mov")
    assert refused.value.extra["video_id"] == first.pk
    assert refused.value.extra["session_url"] == f"/gait/sessions/{trial.session_id}/"
    assert len(list(media_root.rglob("original.*"))) == 1


def test_sha256_is_unique_in_the_database(media_root, trial, therapist, clip, tmp_path):
    first = upload(trial, clip, therapist)
    second = upload(trial, make_clip(tmp_path / "other.mp4", seed=7), therapist)
    second.sha256 = first.sha256
    with pytest.raises(IntegrityError):
        second.save()


def test_reception_cannot_record_sessions(receptionist, consenting_client):
    with pytest.raises(PermissionDenied):
        services.session_create(client=consenting_client, therapist=receptionist, created_by=receptionist, date=TODAY)


def test_session_links_must_belong_to_the_client(consenting_client, therapist):
    from tests.factories import ClientFactory

    other = ClientFactory()
    from careplans.models import CarePlan

    plan = CarePlan.objects.create(client=other, therapist=therapist, start_date=TODAY, reassessment_interval_weeks=6)
    with pytest.raises(ValidationError, match="another client"):
        services.session_create(client=consenting_client, therapist=therapist, created_by=therapist, date=TODAY,
                                care_plan=plan)


def test_pain_today_is_0_to_10(consenting_client, therapist):
    with pytest.raises(ValidationError):
        services.session_create(client=consenting_client, therapist=therapist, created_by=therapist, date=TODAY,
                                pain_today=11)


def test_clinical_tests_per_side(gait_session, therapist):
    services.clinical_test_record(session=gait_session, kind="HIP_ABDUCTION_STRENGTH", side="LEFT", by=therapist,
                                  now=NOW, strength_grade=4)
    services.clinical_test_record(session=gait_session, kind="HIP_ABDUCTION_STRENGTH", side="RIGHT", by=therapist,
                                  now=NOW, strength_grade=5)
    corrected = services.clinical_test_record(session=gait_session, kind="HIP_ABDUCTION_STRENGTH", side="LEFT",
                                              by=therapist, now=NOW, strength_grade=3.5)
    services.clinical_test_record(session=gait_session, kind="TRENDELENBURG", side="LEFT", by=therapist, now=NOW,
                                  trendelenburg_positive=True)
    services.clinical_test_record(session=gait_session, kind="OTHER", side="NONE", by=therapist, now=NOW,
                                  name="Calf raises", result="25 left, 31 right")
    assert ClinicalTest.objects.filter(session=gait_session).count() == 4
    corrected.refresh_from_db()
    assert float(corrected.strength_grade) == 3.5
    with pytest.raises(ValidationError):
        services.clinical_test_record(session=gait_session, kind="HIP_ABDUCTION_STRENGTH", side="RIGHT",
                                      by=therapist, now=NOW, strength_grade=6)


def test_analysis_stores_results_through_the_storage(analysed):
    video = analysed
    assert video.status == VideoStatus.DONE and video.percent == 100 and video.attempts == 1
    assert video.lease_token is None
    assert video.engine_version.startswith("stridewell.gait/1; mediapipe 0.10.21")
    assert video.thresholds["overstride"] == 10.0
    assert video.report["view"] == "side" and "quality" in video.report and "findings" not in video.report
    for field in (video.landmarks, video.overlay):
        assert field.storage.exists(field.name)
    assert not video.browser_copy  # the original is H.264 already
    finding = Finding.objects.get(video=video, code="overstride")
    assert finding.value > finding.threshold == 10.0 and finding.severity and finding.confidence is not None
    assert finding.keyframe and finding.keyframe.storage.exists(finding.keyframe.name)


def test_a_second_run_of_a_finished_video_does_nothing(analysed):
    before = Finding.objects.filter(video=analysed).count()
    assert analysis.analyse_video(analysed.pk, landmark_source=synthetic_landmarks(overstride=18)) == "skipped"
    analysed.refresh_from_db()
    assert analysed.attempts == 1 and Finding.objects.filter(video=analysed).count() == before


def test_a_running_video_cannot_be_claimed_twice(media_root, trial, therapist, clip):
    video = upload(trial, clip, therapist)
    assert analysis.claim(video.pk) is not None
    assert analysis.claim(video.pk) is None  # lease still running


def test_an_expired_lease_is_claimed_again_and_the_old_run_stores_nothing(media_root, trial, therapist, clip):
    video = upload(trial, clip, therapist)
    old = analysis.claim(video.pk)
    type(video).objects.filter(pk=video.pk).update(lease_until=NOW - timedelta(hours=1))
    new = analysis.claim(video.pk)
    assert new and new != old
    assert not analysis._ours(video.pk, old).exists()


def test_no_person_fails_with_the_engine_reason_and_keeps_the_file(media_root, trial, therapist, clip):
    video = upload(trial, clip, therapist)

    def nobody(path, job):  # what pose gives for a clip without a person: every frame empty
        series = synthetic_landmarks()(path, job)
        series.landmarks[:] = float("nan")
        return series

    assert analysis.analyse_video(video.pk, landmark_source=nobody) == "failed"
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED and "no person" in video.error
    assert video.original.storage.exists(video.original.name)
    retried = services.video_retry(video=video, by=therapist, now=NOW)
    assert retried.status == VideoStatus.QUEUED and retried.error == "" and retried.attempts == 0


def test_browser_copy_for_a_codec_chromium_cannot_play(media_root, trial, therapist, tmp_path):
    hevc = make_clip(tmp_path / "phone.mov", codec="libx265", seconds=2.5)  # what phones record
    video = upload(trial, hevc, therapist)
    assert video.codec == "hevc"
    assert analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks()) == "done"
    video.refresh_from_db()
    import av

    with video.browser_copy.storage.open(video.browser_copy.name) as handle, av.open(handle) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert sum(1 for _ in container.decode(stream)) >= 140


def test_sweeper_resends_stuck_queued_and_expired_leases_and_fails_after_max_attempts(
    settings, media_root, trial, therapist, clip, tmp_path
):
    from django.utils import timezone

    queued = upload(trial, clip, therapist)
    running = upload(trial, make_clip(tmp_path / "b.mp4", seed=3), therapist)
    analysis.claim(running.pk)
    type(running).objects.filter(pk=running.pk).update(lease_until=timezone.now() - timedelta(seconds=1),
                                                      attempts=settings.GAIT_MAX_ATTEMPTS)
    type(queued).objects.filter(pk=queued.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    analysis.sweep_stuck_videos()
    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.status == VideoStatus.FAILED and "interrupted 3 times" in running.error
    assert queued.status == VideoStatus.QUEUED and queued.queued_at > timezone.now() - timedelta(minutes=1)


# Review, sign-off, amendments ------------------------------------------------------------------
def test_review_then_sign_off_locks_and_amendments_keep_the_original(analysed, therapist):
    session = analysed.trial.session
    finding = Finding.objects.get(video=analysed, code="overstride")
    with pytest.raises(ConflictError, match="not reviewed"):
        services.session_sign_off(session=session, by=therapist, now=NOW)
    for other in Finding.objects.filter(session=session).exclude(pk=finding.pk):
        services.finding_review(finding=other, action="reject", by=therapist, now=NOW, note="Camera angle.")
    services.finding_review(finding=finding, action="edit", severity="mild", by=therapist, now=NOW, note="Marginal.")
    missed = services.finding_add(session=session, code="crossover_gait", side="", severity="mild",
                                  summary="Feet land near the midline.", by=therapist, now=NOW)
    finding.refresh_from_db()
    assert finding.review == Review.EDITED and finding.current_severity == "mild" and finding.severity != ""
    assert missed.review == Review.ACCEPTED

    signed = services.session_sign_off(session=session, by=therapist, now=NOW)
    assert signed.signed_off_at == NOW
    signed_severity = {f["id"]: f["therapist_severity"] for f in signed.signed_off_record["findings"]}
    assert signed_severity[finding.pk] == "mild"

    with pytest.raises(services.SessionSignedOff):
        services.finding_review(finding=finding, action="accept", by=therapist, now=NOW)
    with pytest.raises(services.SessionSignedOff):
        services.trial_create(session=session, kind="WITH_CUES", label="Cues", by=therapist)
    later = NOW + timedelta(days=1)
    services.finding_review(finding=finding, action="edit", severity="moderate", by=therapist, now=later,
                            reason="Re-watched the overlay: clearer than I thought.")
    amendment = Amendment.objects.get(session=session)
    assert (amendment.author, amendment.at, amendment.target) == (therapist, later, f"finding:{finding.pk}")
    assert amendment.before["therapist_severity"] == "mild" and amendment.after["therapist_severity"] == "moderate"
    session.refresh_from_db()
    assert {f["id"]: f["therapist_severity"] for f in session.signed_off_record["findings"]}[finding.pk] == "mild"
    with pytest.raises(services.SessionSignedOff):
        services.session_sign_off(session=session, by=therapist, now=later)


def test_sign_off_waits_for_running_analyses(media_root, trial, therapist, clip):
    upload(trial, clip, therapist)
    with pytest.raises(ConflictError, match="analysed"):
        services.session_sign_off(session=trial.session, by=therapist, now=NOW)


def test_analyses_have_their_own_queue_and_the_sweeper_does_not_wait_behind_them():
    from clinic.celery import app

    def queue_of(task):
        return app.amqp.router.route({}, task)["queue"].name

    assert queue_of("gait.tasks.analyse_video_task") == "gait"
    assert queue_of("gait.tasks.sweep_stuck_videos") == queue_of("appointments.tasks.send_due_reminders") == "celery"
