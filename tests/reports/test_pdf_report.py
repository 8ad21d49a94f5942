"""The progress report PDF: its text, images, charts, fonts, size and page format, from real
signed-off sessions (PostgreSQL, key frames through the default storage), read back with pypdf."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from core.clinic_time import local_day_display
from exercises.models import Exercise, ProgrammeExercise
from gait.models import Finding
from reports import plain_language, rendering
from tests.factories import ClientFactory
from tests.reports import pdf_data

TODAY = date(2026, 3, 20)
A4 = (595.28, 841.89)  # points


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def runner(db):
    return ClientFactory(
        first_name="Amelia",
        last_name="Quarrington",
        presenting_complaint="Ache on the outside of the left knee after 5 km.",
    )


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """The extracted text with whitespace (line breaks) flattened, so sentences can be searched."""
    return " ".join(" ".join(page.extract_text() for page in _reader(pdf).pages).split())


def _xobjects(resources, seen=None):
    """Every XObject reachable from a resources dictionary (forms nest their own resources)."""
    seen = set() if seen is None else seen
    out = []
    for ref in (resources or {}).get("/XObject", {}).values():
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        if key in seen:
            continue
        seen.add(key)
        obj = ref.get_object()
        out.append(obj)
        if obj.get("/Subtype") == "/Form":
            out += _xobjects(obj.get("/Resources"), seen)
    return out


def _all_xobjects(reader):
    seen, out = set(), []
    for page in reader.pages:
        out += _xobjects(page.get("/Resources"), seen)
    return out


def _fonts(reader):
    fonts = {}
    for page in reader.pages:
        for obj in [page, *_xobjects(page.get("/Resources"))]:
            resources = obj.get("/Resources") if obj is page else obj.get("/Resources")
            for ref in ((resources or {}).get("/Font") or {}).values():
                font = ref.get_object()
                fonts[font.get("/BaseFont")] = font
    return fonts


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return bool(descriptor) and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.fixture
def six_sessions(media, runner, therapist):
    session, programme, due = pdf_data.build_history(
        runner, therapist, sessions=6, edited={"trunk_lean": "You fold forward at the hips when you tire."}
    )
    report = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY)
    return session, programme, due, report


def test_report_text_holds_the_client_findings_exercises_and_next_date(six_sessions, runner):
    session, programme, due, report = six_sessions
    text = _text(report.pdf)
    assert report.problems == [] and report.warnings == []
    assert "Amelia Quarrington" in text
    assert "Ache on the outside of the left knee after 5 km." in text  # the complaint, as written
    assert "Pain on the day 0 out of 10" in text
    assert "from behind" in text and "from the side" in text
    for code, side, _ in pdf_data.FINDINGS:
        if code == "trunk_lean":  # edited: the therapist's words replace the report's
            assert "You fold forward at the hips when you tire." in text
            assert plain_language.finding_text(code, side, "moderate")[0] not in text
            continue
        seen, why = plain_language.finding_text(code, side, "moderate")
        assert seen in text, seen
        assert why in text
    # Confirmed suggestions, in plain words.
    assert plain_language.suggestion_text("weak_gluteus_medius", "left") in text
    assert plain_language.suggestion_text("low_cadence", "") in text
    for line in programme.exercises.all():
        assert f"{line.name} {line.dosage}" in text, line.name
    for cue in programme.cues.all():
        assert cue.title in text
    assert f"Your next check {local_day_display(due)}" in text
    assert "contact Stridewell Clinic" in text


def test_before_and_now_cued_frames_and_what_the_changes_mean(six_sessions):
    session, programme, due, report = six_sessions
    text = _text(report.pdf)
    previous = session.date - timedelta(days=14)
    assert f"Before ({local_day_display(previous)})" in text
    assert f"Now ({local_day_display(session.date)})" in text
    assert "With the running cues" in text
    assert "With the running cues this was still seen" in text  # the cued run kept the knee finding
    assert "Compared with your first assessment on Mon 5 Jan 2026" in text
    # Pelvic drop went 9.0 -> 1.5 deg (SDD 2.8): better; cadence 160 -> 170 (SDD 9.96): detectable.
    assert "Pelvis dipping (right): 9° then, 2° now: better." in text
    assert "Steps per minute (cadence), left foot: 160 steps/min then, 170 steps/min now:" in text
    # Arm crossover on the other side: 18 -> 4.5 % (SDD 10) is better; right 30 -> 22.5 is not detectable.
    assert (
        "Hand crossing the middle (right): 30 % of shoulder width then, 22 % of shoulder width now: no detectable change"
        in text
    )
    assert "With the running cues, on the day" in text


def test_images_charts_fonts_tags_and_a4(six_sessions):
    session, programme, due, report = six_sessions
    reader = _reader(report.pdf)
    assert 3 <= len(reader.pages) <= 14
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(A4[0], 1), round(A4[1], 1))
    xobjects = _all_xobjects(reader)
    jpegs = [x for x in xobjects if x.get("/Subtype") == "/Image" and x.get("/Filter") == "/DCTDecode"]
    # 7 findings now + 7 before + 1 with cues, downscaled to 800 px from 1280.
    assert len(jpegs) == 15
    assert all(int(x["/Width"]) <= 800 and int(x["/Height"]) <= 800 for x in jpegs)
    # Charts and exercise drawings are SVG: drawn as vector forms, their text kept as text.
    forms = [x for x in xobjects if x.get("/Subtype") == "/Form"]
    assert len(forms) >= 6
    chart_pages = [page for page in reader.pages if "5 Jan 26" in page.extract_text()]
    assert chart_pages
    lines = sum(page.get_contents().get_data().count(b" l\n") for page in chart_pages)
    assert lines >= 6 * 20  # each chart's lines, markers, ticks and grid are vector paths, not a bitmap
    text = _text(report.pdf)
    assert "5 Jan 26" in text  # a chart's date axis, selectable text
    for name in ("Steps per minute (cadence)", "Knee moving inwards", "Pelvis dipping"):
        assert text.count(name) >= 2
    fonts = _fonts(reader)
    assert fonts and all(_embedded(f) for f in fonts.values()), list(fonts)
    assert any("DejaVu" in str(name) for name in fonts)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged
    assert str(root.get("/Lang")) == "en-GB"
    assert "Page 1 of" in text


def test_generated_texts_name_no_diagnosis_but_the_therapists_words_stay(media, runner, therapist):
    session, _, _ = pdf_data.build_history(
        runner, therapist, sessions=2, edited={"knee_valgus": "Your knee pain fits patellofemoral pain."}
    )
    report = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY)
    assert report.texts and plain_language.diagnosis_terms_in(report.texts) == []
    assert plain_language.diagnosis_terms_in(report.therapist_texts)  # the therapist may name it
    assert "Your knee pain fits patellofemoral pain." in _text(report.pdf)


def test_every_finding_and_suggestion_wording_is_free_of_diagnosis_terms():
    from gait.clinical.reasoning import RULES
    from gait.engine.findings import SUMMARIES

    codes = set(SUMMARIES) | set(plain_language.FINDINGS) | {"something_new"}
    texts = []
    for code in codes:
        for side in ("left", "right", ""):
            for severity in ("mild", "moderate", "marked", ""):
                texts += plain_language.finding_text(code, side, severity)
            texts.append(plain_language.finding_title(code, side))
    for code in {r.code for r in RULES} | set(plain_language.SUGGESTIONS) | {"something_new"}:
        for side in ("left", "right", ""):
            texts.append(plain_language.suggestion_text(code, side))
    texts += [plain_language.metric_label(m) for m in plain_language.METRICS]
    assert len(texts) > 200
    assert plain_language.diagnosis_terms_in(texts) == []


@pytest.mark.parametrize(
    "text, term",
    [
        ("Probably Plantar Fasciitis.", "plantar fasciitis"),
        ("looks like ITB syndrome", "itb syndrome"),
        ("a patellar tendinopathy", "tendinopathy"),
        ("no stress fracture", "stress fracture"),
        ("hip bursitis!", "bursitis"),
    ],
)
def test_the_scan_finds_diagnosis_terms(text, term):
    assert term in [hit for hit, _ in plain_language.diagnosis_terms_in([text])]


def test_the_scan_leaves_plain_words_alone():
    assert plain_language.diagnosis_terms_in(["Strength of the hip, a fair effort, straight knees."]) == []


def test_first_assessment_has_no_before_and_says_so(media, runner, therapist):
    session, _, _ = pdf_data.build_history(runner, therapist, sessions=1, cued=False)
    report = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY)
    text = _text(report.pdf)
    assert "Before (" not in text and "Key moment" in text
    assert "This is your first assessment" in text
    assert "5 Jan 26" not in text  # no trend chart from one session


def test_no_signed_off_session_gives_problems_not_a_crash(media, runner, therapist):
    session = pdf_data.add_session(runner, therapist, n=0, day=date(2026, 3, 2), sign_off=False)
    report = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY)
    assert report.pdf == b""
    assert report.problems == ["No signed-off gait session yet: sign off the assessment first."]
    other = ClientFactory()
    report = rendering.render_progress_report(client_id=other.pk, session_id=session.pk, today=TODAY)
    assert report.pdf == b"" and report.problems == ["This gait session does not belong to this client."]


def test_missing_programme_and_care_plan_are_warnings_the_report_still_renders(media, runner, therapist):
    session = pdf_data.add_session(runner, therapist, n=0, day=date(2026, 3, 2))
    report = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY)
    assert report.pdf.startswith(b"%PDF")
    assert report.problems == []
    assert len(report.warnings) == 2 and "No programme has been issued" in report.warnings[0]
    assert "Your therapist will give you your exercises at your next visit." in _text(report.pdf)


def test_a_retired_exercise_still_appears_from_the_snapshot(media, runner, therapist):
    session, programme, _ = pdf_data.build_history(runner, therapist, sessions=1, cued=False, exercises=["clamshell"])
    own = Exercise.objects.create(
        slug="towel-scrunch",
        name="Towel scrunch",
        region="FOOT_ANKLE",
        target_muscles="foot",
        instructions="Scrunch a towel with your toes.",
        default_reps=12,
        created_by=therapist,
    )
    ProgrammeExercise.objects.create(
        programme=programme,
        exercise=own,
        order=9,
        name=own.name,
        instructions=own.instructions,
        sets=2,
        reps=12,
        per_week=5,
    )
    own.delete()
    Exercise.objects.filter(slug="clamshell").update(hidden=True, name="Clam (renamed)", instructions="Changed.")
    text = _text(rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY).pdf)
    assert "Towel scrunch 2 × 12, 5× a week" in text and "Scrunch a towel with your toes." in text
    assert "Clamshell" in text and "Clam (renamed)" not in text and "Changed." not in text


def test_booking_link_and_due_dates(media, runner, therapist):
    session, _, due = pdf_data.build_history(runner, therapist, sessions=1, cued=False)
    link = "https://clinic.example/careplans/book/abc123/"
    report = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY, booking_url=link)
    text = _text(report.pdf)
    assert "personal booking link" in text and link in text
    late = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=due + timedelta(days=3))
    assert f"Due now (since {local_day_display(due)})" in _text(late.pdf)


def test_a_fifty_session_history_renders_in_bounded_time_and_size(media, runner, therapist):
    findings = pdf_data.FINDINGS[:2]
    first = date(2024, 1, 1)
    for n in range(49):
        pdf_data.add_session(
            runner,
            therapist,
            n=n % 6,
            day=first + timedelta(days=14 * n),
            findings=findings,
            keyframes=False,
            suggestions=(),
        )
    last = pdf_data.add_session(runner, therapist, n=6, day=first + timedelta(days=14 * 49), findings=findings)
    pdf_data.add_programme(runner, therapist, start=last.date, review=last.date + timedelta(weeks=6))
    started = time.process_time()
    report = rendering.render_progress_report(client_id=runner.pk, session_id=last.pk, today=last.date)
    cpu = time.process_time() - started
    reader = _reader(report.pdf)
    assert cpu < 15, cpu
    assert len(report.pdf) < 5_000_000
    assert len(reader.pages) <= 14
    assert "Assessments so far 50" in _text(report.pdf)


def test_earlier_session_reports_only_sessions_up_to_it(media, runner, therapist):
    first = pdf_data.add_session(runner, therapist, n=0, day=date(2026, 1, 5))
    pdf_data.add_session(runner, therapist, n=3, day=date(2026, 2, 2))
    report = rendering.render_progress_report(client_id=runner.pk, session_id=first.pk, today=TODAY)
    text = _text(report.pdf)
    assert "This is your first assessment" in text and "Before (" not in text
    assert Finding.objects.filter(session=first).count() == 7


def test_a_lost_key_frame_and_a_therapists_own_finding(media, runner, therapist):
    from django.core.files.storage import default_storage

    session = pdf_data.add_session(runner, therapist, n=0, day=date(2026, 3, 2), sign_off=False)
    Finding.objects.create(
        session=session,
        source="THERAPIST",
        code="Hip hitch on push-off",
        side="left",
        severity="mild",
        summary="Your left hip hitches up as you push off.",
        review="ACCEPTED",
    )
    Finding.objects.filter(session=session, code="pelvic_drop").update(review="REJECTED")
    from gait import services as gait_services

    gait_services.session_sign_off(session=session, by=therapist, now=pdf_data.TZ_NOW)
    lost = Finding.objects.get(session=session, code="knee_valgus")
    default_storage.delete(lost.keyframe.name)
    report = rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY)
    text = _text(report.pdf)
    assert plain_language.finding_text("knee_valgus", "left", "moderate")[0] in text  # words without the frame
    assert "Your left hip hitches up as you push off. (your therapist's words)" in text
    assert plain_language.finding_text("pelvic_drop", "right", "moderate")[0] not in text  # rejected
    jpegs = [x for x in _all_xobjects(_reader(report.pdf)) if x.get("/Subtype") == "/Image"]
    assert len(jpegs) == 5  # 7 key frames, one of a rejected finding, one lost


def test_a_booked_reassessment_is_shown_with_its_time(media, runner, therapist):
    from datetime import datetime

    from appointments.defaults import ensure_defaults
    from appointments.models import Appointment, AppointmentKind, AppointmentStatus, AppointmentType

    ensure_defaults()
    session, _, due = pdf_data.build_history(runner, therapist, sessions=1, cued=False)
    starts = datetime(2026, 4, 14, 9, 30, tzinfo=pdf_data.TZ)
    Appointment.objects.create(
        client=runner, therapist=therapist, status=AppointmentStatus.BOOKED, starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        appointment_type=AppointmentType.objects.filter(kind=AppointmentKind.REASSESSMENT).first(),
    )  # fmt: skip
    text = _text(rendering.render_progress_report(client_id=runner.pk, session_id=session.pk, today=TODAY).pdf)
    assert "Your next check Tue 14 Apr 2026 09:30 It is booked." in text
    assert local_day_display(due) not in text
