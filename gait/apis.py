"""Gait session API. Each endpoint validates input, makes one service or selector call and
serialises the result. Reception (gait.view_session_status only) sees that a session exists and
its status; clinical content needs gait.view_gaitsession."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from appointments.models import Appointment
from careplans.models import CarePlan
from clients.selectors import client_get
from core.api import ErrorSerializer, Pagination
from core.exceptions import NotFoundError

from . import selectors, services
from .models import (
    FINDING_SIDES,
    AccessKind,
    ClinicalTestKind,
    Footwear,
    Review,
    Severity,
    Side,
    SquatQuality,
    SuggestionStatus,
    TrialKind,
    VideoStatus,
    View,
)
from .selectors import SessionStatus, session_status

CLINICAL = "gait.view_gaitsession"


def _media_url(video, kind: str) -> str:
    return reverse("gait:video-media", args=[video.pk, kind])


# Output ------------------------------------------------------------------------------------
class SessionStatusSerializer(serializers.Serializer):
    """What every role may see of a session."""

    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    therapist = serializers.IntegerField(source="therapist_id")
    therapist_name = serializers.CharField(source="therapist.display_name")
    date = serializers.DateField()
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    signed_off_at = serializers.DateTimeField(allow_null=True)

    def get_status(self, session) -> str:
        return session_status(session)

    def get_status_label(self, session) -> str:
        return SessionStatus.LABELS[session_status(session)]


class ClinicalTestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=ClinicalTestKind.choices)
    side = serializers.ChoiceField(choices=Side.choices)
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    strength_grade = serializers.DecimalField(max_digits=2, decimal_places=1, required=False, allow_null=True)
    force_newtons = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    squat_quality = serializers.ChoiceField(choices=SquatQuality.choices, required=False, allow_blank=True)
    trendelenburg_positive = serializers.BooleanField(required=False, allow_null=True)
    balance_seconds = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    result = serializers.CharField(required=False, allow_blank=True, max_length=300)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    video = serializers.IntegerField(source="video_id", allow_null=True)
    source = serializers.CharField()
    code = serializers.CharField()
    side = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    threshold = serializers.FloatField(allow_null=True)
    severity = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True)
    evidence_frames = serializers.ListField(child=serializers.IntegerField())
    summary = serializers.CharField()
    keyframe_url = serializers.SerializerMethodField()
    review = serializers.ChoiceField(choices=Review.choices)
    therapist_severity = serializers.CharField()
    therapist_side = serializers.CharField()
    therapist_summary = serializers.CharField()
    note = serializers.CharField()
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)

    def get_keyframe_url(self, finding) -> str | None:
        return reverse("gait:finding-keyframe", args=[finding.pk]) if finding.keyframe else None


class VideoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    trial = serializers.IntegerField(source="trial_id")
    session = serializers.IntegerField(source="trial.session_id")
    view = serializers.CharField()
    original_name = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField(allow_null=True)
    duration_s = serializers.FloatField()
    fps = serializers.FloatField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    rotation = serializers.IntegerField()
    codec = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.IntegerField(source="uploaded_by_id")
    status = serializers.ChoiceField(choices=VideoStatus.choices)
    stage = serializers.CharField()
    percent = serializers.IntegerField()
    attempts = serializers.IntegerField()
    error = serializers.CharField()
    detected_view = serializers.CharField()
    engine_version = serializers.CharField()
    thresholds = serializers.DictField(child=serializers.FloatField(), allow_null=True)
    view_warning = serializers.SerializerMethodField(
        help_text="Set when the clip looks filmed from another view than the one it was uploaded as"
    )
    urls = serializers.SerializerMethodField()

    def get_view_warning(self, video) -> str | None:
        return selectors.video_view_warning(video)

    def get_urls(self, video) -> dict[str, str]:
        urls = {"original": _media_url(video, "original"), "playable": _media_url(video, "playable")}
        for kind in ("overlay", "landmarks"):
            if getattr(video, kind):
                urls[kind] = _media_url(video, kind)
        return urls


class VideoDetailSerializer(VideoSerializer):
    report = serializers.JSONField(allow_null=True, help_text="The engine's report: metrics, events, quality")


class TrialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    kind = serializers.ChoiceField(choices=TrialKind.choices)
    label = serializers.CharField()
    cues = serializers.CharField()
    videos = VideoSerializer(many=True)


class AmendmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.IntegerField(source="author_id")
    at = serializers.DateTimeField()
    reason = serializers.CharField()
    target = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class SessionSerializer(SessionStatusSerializer):
    appointment = serializers.IntegerField(source="appointment_id", allow_null=True)
    care_plan = serializers.IntegerField(source="care_plan_id", allow_null=True)
    treadmill_speed_kmh = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    treadmill_incline_pct = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    footwear = serializers.ChoiceField(choices=Footwear.choices)
    footwear_detail = serializers.CharField()
    pain_today = serializers.IntegerField(allow_null=True)
    height_cm = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    leg_length_cm = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    notes = serializers.CharField()
    signed_off_by = serializers.IntegerField(source="signed_off_by_id", allow_null=True)


class SessionDetailSerializer(SessionSerializer):
    clinical_tests = ClinicalTestSerializer(many=True)
    trials = TrialSerializer(many=True)
    findings = FindingSerializer(many=True)
    amendments = AmendmentSerializer(many=True)
    signed_off_record = serializers.JSONField(allow_null=True)


class SuggestionEvidenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["finding", "clinical_test", "metric"])
    code = serializers.CharField()
    side = serializers.CharField(allow_null=True)
    value = serializers.JSONField(allow_null=True, help_text="A number, or a word (e.g. a squat's quality)")
    unit = serializers.CharField(allow_blank=True)
    effect = serializers.ChoiceField(
        choices=["pattern", "raises", "lowers", "context"],
        help_text="pattern: part of the rule's pattern; raises / lowers: moved the strength by one; context: listed only",
    )
    note = serializers.CharField(allow_blank=True)


class SuggestionSerializer(serializers.Serializer):
    """A clinical reasoning suggestion for the therapist to consider (not a diagnosis) and their decision."""

    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    code = serializers.CharField()
    side = serializers.CharField(allow_blank=True, help_text="left, right, or blank (both / not sided)")
    strength = serializers.ChoiceField(choices=["unlikely", "possible", "likely", "strong"])
    score = serializers.IntegerField(min_value=0, max_value=3)
    title = serializers.CharField()
    rationale = serializers.CharField()
    evidence = SuggestionEvidenceSerializer(many=True)
    sources = serializers.ListField(child=serializers.CharField())
    current = serializers.BooleanField(help_text="False when the findings no longer produce it (kept for its decision)")
    status = serializers.ChoiceField(choices=SuggestionStatus.choices)
    note = serializers.CharField(allow_blank=True)
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    decided_by_name = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_decided_by_name(self, suggestion) -> str | None:
        return suggestion.decided_by.display_name if suggestion.decided_by_id else None


class BandSerializer(serializers.Serializer):
    metric = serializers.CharField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    formula = serializers.CharField()
    source = serializers.CharField()
    personalised = serializers.BooleanField(help_text="Follows the runner (cadence, step and stride length)")
    step = serializers.FloatField()


class TargetSerializer(serializers.Serializer):
    metric = serializers.CharField()
    side = serializers.CharField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    band = BandSerializer()
    verdict = serializers.ChoiceField(choices=["below", "within", "above", "no value"])
    excess = serializers.FloatField()


class VideoTargetsSerializer(serializers.Serializer):
    video = serializers.IntegerField()
    trial = serializers.CharField()
    name = serializers.CharField()
    targets = TargetSerializer(many=True)


class PrioritySerializer(serializers.Serializer):
    code = serializers.CharField()
    side = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    score = serializers.FloatField()
    parts = serializers.ListField(child=serializers.CharField())
    why = serializers.CharField()


class RunnerSerializer(serializers.Serializer):
    height_cm = serializers.FloatField(allow_null=True)
    speed_kmh = serializers.FloatField(allow_null=True)
    leg_length_cm = serializers.FloatField(allow_null=True)
    sex = serializers.CharField(allow_null=True)


class SessionTargetsSerializer(serializers.Serializer):
    personalised = serializers.BooleanField(help_text="False: no height yet, the default bands are shown")
    runner = RunnerSerializer()
    messages = serializers.ListField(child=serializers.CharField())
    videos = VideoTargetsSerializer(many=True, help_text="The analysed baseline videos")
    priorities = PrioritySerializer(many=True, help_text="At most three, worst first")


# Input -------------------------------------------------------------------------------------
class SessionInputSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    therapist = serializers.IntegerField(required=False, help_text="Default: you")
    appointment = serializers.IntegerField(required=False, allow_null=True)
    care_plan = serializers.IntegerField(required=False, allow_null=True)
    date = serializers.DateField(required=False, help_text="Default: today")
    treadmill_speed_kmh = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    treadmill_incline_pct = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    footwear = serializers.ChoiceField(choices=Footwear.choices, required=False)
    footwear_detail = serializers.CharField(required=False, allow_blank=True, max_length=200)
    pain_today = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10)
    height_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, min_value=100, max_value=230,
        help_text="The runner's height on the day, cm (for the personal target bands)",
    )
    leg_length_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, min_value=40, max_value=130,
        help_text="Floor to greater trochanter, cm",
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    clinical_tests = ClinicalTestSerializer(many=True, required=False)


class SessionUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    treadmill_speed_kmh = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    treadmill_incline_pct = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    footwear = serializers.ChoiceField(choices=Footwear.choices, required=False)
    footwear_detail = serializers.CharField(required=False, allow_blank=True, max_length=200)
    pain_today = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10)
    height_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, min_value=100, max_value=230,
        help_text="The runner's height on the day, cm (for the personal target bands)",
    )
    leg_length_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, min_value=40, max_value=130,
        help_text="Floor to greater trochanter, cm",
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Required once signed off")


class TrialInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TrialKind.choices, default=TrialKind.BASELINE)
    label = serializers.CharField(max_length=80)
    cues = serializers.CharField(required=False, allow_blank=True, default="")


class VideoUploadSerializer(serializers.Serializer):
    trial = serializers.IntegerField()
    view = serializers.ChoiceField(choices=View.choices, default=View.AUTO)
    file = serializers.FileField(allow_empty_file=False, use_url=False)


class FindingReviewSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(services.REVIEW_ACTIONS))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    side = serializers.ChoiceField(choices=FINDING_SIDES, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required once signed off")


class SuggestionDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class FindingAddSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    side = serializers.ChoiceField(choices=FINDING_SIDES, default="")
    severity = serializers.ChoiceField(choices=Severity.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required once signed off")


# Views -------------------------------------------------------------------------------------
def _object_or_400(model, pk, field, **match):
    if pk is None:
        return None
    row = model.objects.filter(pk=pk, **match).first()
    if row is None:
        raise serializers.ValidationError({field: [f"No such {field.replace('_', ' ')}."]})
    return row


def _log_findings(request, session) -> None:
    services.access_record(
        user=request.user, client_id=session.client_id, kind=AccessKind.FINDINGS,
        what=f"session #{session.pk} findings", now=timezone.now(),
    )


def _session_out(request, session_id, code=status.HTTP_200_OK):
    session = selectors.session_detail(session_id=session_id)
    _log_findings(request, session)
    return Response(SessionDetailSerializer(session).data, status=code)


class GaitSessionListCreateApi(APIView):
    """Gait sessions, newest first (`?client=<id>`). Without clinical permission only the
    status fields are returned. POST starts a session (with optional clinical tests)."""

    required_permissions = {"GET": ["gait.view_session_status"], "POST": ["gait.add_gaitsession"]}
    pagination_class = Pagination  # also documents the list as pages

    @extend_schema(
        parameters=[OpenApiParameter("client", int)],
        responses=PolymorphicProxySerializer(
            component_name="GaitSessionForRole",
            serializers=[SessionSerializer, SessionStatusSerializer],
            resource_type_field_name=None,
            many=True,
        ),
    )
    def get(self, request):
        client_id = request.query_params.get("client")
        if client_id is not None and not client_id.isdigit():
            raise serializers.ValidationError({"client": ["A client id is a number."]})
        sessions = selectors.session_list(client_id=int(client_id) if client_id else None)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(sessions, request, view=self)
        out = SessionSerializer if request.user.has_perm(CLINICAL) else SessionStatusSerializer
        return paginator.get_paginated_response(out(page, many=True).data)

    @extend_schema(request=SessionInputSerializer, responses={201: SessionDetailSerializer})
    def post(self, request):
        data = SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            client = client_get(client_id=fields.pop("client"))
        except NotFoundError:
            raise serializers.ValidationError({"client": ["No such client."]}) from None
        therapist = _object_or_400(User, fields.pop("therapist", request.user.pk), "therapist", is_active=True)
        fields["appointment"] = _object_or_400(Appointment, fields.get("appointment"), "appointment")
        fields["care_plan"] = _object_or_400(CarePlan, fields.get("care_plan"), "care_plan")
        fields["date"] = fields.get("date") or timezone.localdate()
        session = services.session_create_with_tests(
            client=client, therapist=therapist, created_by=request.user, now=timezone.now(), **fields
        )
        return _session_out(request, session.pk, status.HTTP_201_CREATED)


class GaitSessionDetailApi(APIView):
    """One session with its clinical tests, trials, videos, findings and amendments (clinical
    staff), or its status only. PATCH changes details; once signed off, with a `reason`."""

    required_permissions = {
        "GET": ["gait.view_session_status"],
        "PATCH": ["gait.change_gaitsession"],
        "PUT": ["gait.change_gaitsession"],
    }

    # Clinical staff get the whole session, others (reception) its status fields only.
    @extend_schema(
        responses=PolymorphicProxySerializer(
            component_name="GaitSessionDetailForRole",
            serializers=[SessionDetailSerializer, SessionStatusSerializer],
            resource_type_field_name=None,
        )
    )
    def get(self, request, session_id):
        if not request.user.has_perm(CLINICAL):
            return Response(SessionStatusSerializer(selectors.session_get(session_id=session_id)).data)
        return _session_out(request, session_id)

    @extend_schema(request=SessionUpdateSerializer, responses=SessionDetailSerializer)
    def patch(self, request, session_id):
        session = selectors.session_get(session_id=session_id)
        data = SessionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        services.session_update(session=session, data=fields, by=request.user, now=timezone.now(), reason=reason)
        return _session_out(request, session_id)

    put = patch


class ClinicalTestInputSerializer(ClinicalTestSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required once signed off")


class GaitSessionClinicalTestsApi(APIView):
    """Record (or correct) a standing clinical test for one side."""

    required_permissions = {"POST": ["gait.add_clinicaltest", "gait.change_clinicaltest"]}

    @extend_schema(request=ClinicalTestInputSerializer, responses={201: ClinicalTestSerializer})
    def post(self, request, session_id):
        session = selectors.session_get(session_id=session_id)
        data = ClinicalTestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        test = services.clinical_test_record(session=session, by=request.user, now=timezone.now(), **data.validated_data)
        return Response(ClinicalTestSerializer(test).data, status=status.HTTP_201_CREATED)


class GaitSessionTrialsApi(APIView):
    """The trials (runs) of a session with their videos; POST adds a trial."""

    required_permissions = {"GET": ["gait.view_trial"], "POST": ["gait.add_trial"]}

    @extend_schema(responses=TrialSerializer(many=True))
    def get(self, request, session_id):
        session = selectors.session_detail(session_id=session_id)
        return Response(TrialSerializer(session.trials.all(), many=True).data)

    @extend_schema(request=TrialInputSerializer, responses={201: TrialSerializer})
    def post(self, request, session_id):
        session = selectors.session_get(session_id=session_id)
        data = TrialInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        trial = services.trial_create(session=session, by=request.user, **data.validated_data)
        return Response(TrialSerializer(trial).data, status=status.HTTP_201_CREATED)


class GaitSessionFindingsApi(APIView):
    """Add a finding the engine missed."""

    required_permissions = {"POST": ["gait.add_finding"]}

    @extend_schema(request=FindingAddSerializer, responses={201: FindingSerializer})
    def post(self, request, session_id):
        session = selectors.session_get(session_id=session_id)
        data = FindingAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_add(session=session, by=request.user, now=timezone.now(), **data.validated_data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class GaitSessionSignOffApi(APIView):
    """Sign the session off: every video analysed, every finding reviewed. It is then locked."""

    required_permissions = {"POST": ["gait.sign_off_gaitsession"]}

    @extend_schema(request=None, responses=SessionDetailSerializer)
    def post(self, request, session_id):
        session = selectors.session_get(session_id=session_id)
        services.session_sign_off(session=session, by=request.user, now=timezone.now())
        return _session_out(request, session_id)


class GaitVideoListCreateApi(APIView):
    """Videos (`?session=`, `?trial=`) with their analysis status and progress. POST uploads one
    video (multipart: trial, view, file); it is probed, checked and queued for analysis."""

    required_permissions = {"GET": ["gait.view_gaitvideo"], "POST": ["gait.add_gaitvideo"]}
    pagination_class = Pagination  # also documents the list as pages
    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[OpenApiParameter("session", int), OpenApiParameter("trial", int)],
        responses=VideoSerializer(many=True),
    )
    def get(self, request):
        filters = {}
        for key in ("session", "trial"):
            value = request.query_params.get(key)
            if value is not None:
                if not value.isdigit():
                    raise serializers.ValidationError({key: ["Must be a number."]})
                filters[f"{key}_id"] = int(value)
        videos = selectors.video_list(**filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(videos, request, view=self)
        return paginator.get_paginated_response(VideoSerializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": VideoUploadSerializer}, responses={201: VideoSerializer})
    def post(self, request):
        # Refuse an oversized body before reading it (the page also checks before sending).
        length = request.META.get("CONTENT_LENGTH") or ""
        services.check_upload_size(int(length) - 64 * 1024 if length.isdigit() else None)
        data = VideoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            trial = selectors.trial_get(trial_id=data.validated_data["trial"])
        except NotFoundError:
            raise serializers.ValidationError({"trial": ["No such trial."]}) from None
        video = services.video_upload(
            trial=trial, upload=data.validated_data["file"], view=data.validated_data["view"],
            uploaded_by=request.user, now=timezone.now(),
        )
        return Response(VideoSerializer(video).data, status=status.HTTP_201_CREATED)


class GaitVideoDetailApi(APIView):
    """One video: status, stage and percent while it is analysed; the engine's report after."""

    required_permissions = {"GET": ["gait.view_gaitvideo"]}

    @extend_schema(responses=VideoDetailSerializer)
    def get(self, request, video_id):
        return Response(VideoDetailSerializer(selectors.video_get(video_id=video_id)).data)


class GaitVideoRetryApi(APIView):
    """Queue a failed video for analysis again."""

    required_permissions = {"POST": ["gait.change_gaitvideo"]}

    @extend_schema(request=None, responses=VideoSerializer)
    def post(self, request, video_id):
        video = services.video_retry(video=selectors.video_get(video_id=video_id), by=request.user, now=timezone.now())
        return Response(VideoSerializer(video).data)


class GaitFindingApi(APIView):
    """One finding; PATCH reviews it: accept, reject or edit (severity, side, summary) with a note.
    Once the session is signed off, a review is an amendment and needs a `reason`."""

    required_permissions = {"GET": ["gait.view_finding"], "PATCH": ["gait.change_finding"]}

    @extend_schema(responses=FindingSerializer)
    def get(self, request, finding_id):
        finding = selectors.finding_get(finding_id=finding_id)
        _log_findings(request, finding.session)
        return Response(FindingSerializer(finding).data)

    @extend_schema(request=FindingReviewSerializer, responses=FindingSerializer)
    def patch(self, request, finding_id):
        finding = selectors.finding_get(finding_id=finding_id)
        data = FindingReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_review(finding=finding, by=request.user, now=timezone.now(), **data.validated_data)
        return Response(FindingSerializer(finding).data)


SESSION_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such gait session (or its client was erased).")
SUGGESTION_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such session, or no such suggestion in it.")
SESSION_LOCKED = OpenApiResponse(
    ErrorSerializer, description="The session is signed off: its suggestions can no longer be decided."
)
NOT_CLINICAL = OpenApiResponse(ErrorSerializer, description="Not logged in, or not clinical staff (e.g. reception).")


class GaitSessionSuggestionsApi(APIView):
    """The session's clinical reasoning suggestions, strongest first (ones the findings no longer
    produce, kept for their decision, last): each with its evidence, sources, strength and the
    therapist's decision. Suggestions for the therapist to consider, not a diagnosis."""

    required_permissions = {"GET": ["gait.view_clinicalsuggestion"]}
    pagination_class = Pagination  # also documents the list as pages

    @extend_schema(responses={200: SuggestionSerializer(many=True), 403: NOT_CLINICAL, 404: SESSION_NOT_FOUND})
    def get(self, request, session_id):
        session = selectors.session_get(session_id=session_id)
        suggestions = selectors.session_suggestions(session=session)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(suggestions, request, view=self)
        services.access_record(
            user=request.user, client_id=session.client_id, kind=AccessKind.FINDINGS,
            what=f"session #{session.pk} suggestions", now=timezone.now(),
        )  # fmt: skip
        return paginator.get_paginated_response(SuggestionSerializer(page, many=True).data)


class GaitSuggestionDecideApi(APIView):
    """Confirm or dismiss a suggestion (or change an earlier decision), with an optional note;
    the decision records who made it and when. Locked once the session is signed off (409)."""

    required_permissions = {"POST": ["gait.change_clinicalsuggestion"]}
    decision = ""  # "confirm" or "dismiss", set by the URL

    @extend_schema(
        request=SuggestionDecisionSerializer,
        responses={200: SuggestionSerializer, 403: NOT_CLINICAL, 404: SUGGESTION_NOT_FOUND, 409: SESSION_LOCKED},
    )
    def post(self, request, session_id, suggestion_id):
        suggestion = selectors.suggestion_get(session_id=session_id, suggestion_id=suggestion_id)
        data = SuggestionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = services.suggestion_decide(
            suggestion=suggestion, decision=self.decision, by=request.user, now=timezone.now(),
            note=data.validated_data["note"],
        )  # fmt: skip
        return Response(SuggestionSerializer(suggestion).data)


class GaitSessionTargetsApi(APIView):
    """Targets for this runner: per metric of the analysed baseline videos the value, the band
    (personalised from height, leg length and treadmill speed where the literature gives a
    relation; the formula and its source with it) and the verdict; and at most three priorities,
    worst first, a combined pattern replacing its parts."""

    required_permissions = {"GET": ["gait.view_gaitsession"]}

    @extend_schema(responses={200: SessionTargetsSerializer, 403: NOT_CLINICAL, 404: SESSION_NOT_FOUND})
    def get(self, request, session_id):
        session = selectors.session_get(session_id=session_id)
        services.access_record(
            user=request.user, client_id=session.client_id, kind=AccessKind.FINDINGS,
            what=f"session #{session.pk} targets", now=timezone.now(),
        )  # fmt: skip
        return Response(SessionTargetsSerializer(selectors.session_targets(session=session)).data)
