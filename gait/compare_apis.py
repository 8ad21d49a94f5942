"""`/api/gait-comparisons/`: two trials of one client compared (per-metric change against the
SDD, with the verdict) and their matched gait events for a side-by-side player. Same permissions
as findings: clinical staff only (reception gets 403)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer

from . import comparisons, services
from .models import AccessKind, TrialKind

MAX_ID = 2**63 - 1


class ComparisonInputSerializer(serializers.Serializer):
    a = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Trial id: before (e.g. the baseline run)")
    b = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Trial id: now (e.g. the cued run)")


class ComparedTrialSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="trial.pk")
    session = serializers.IntegerField(source="trial.session_id")
    date = serializers.DateField(source="trial.session.date")
    kind = serializers.ChoiceField(choices=TrialKind.choices, source="trial.kind")
    label = serializers.CharField(source="trial.label")
    analysed_views = serializers.ListField(child=serializers.CharField(), source="views")


class ComparedVideoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fps = serializers.FloatField()
    duration_s = serializers.FloatField()
    playable_url = serializers.SerializerMethodField()

    def get_playable_url(self, video) -> str:
        return reverse("gait:video-media", args=[video.pk, "playable"])


class MetricChangeSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    side = serializers.CharField()
    unit = serializers.CharField()
    a = serializers.FloatField(allow_null=True, help_text="Before")
    b = serializers.FloatField(allow_null=True, help_text="Now")
    change = serializers.FloatField(allow_null=True, help_text="b - a")
    sdd = serializers.FloatField(allow_null=True, help_text="Smallest detectable difference, in the metric's unit")
    detectable = serializers.BooleanField(allow_null=True, help_text="|change| >= SDD; null when not compared")
    verdict = serializers.ChoiceField(
        choices=["improved", "worse", "changed", "no detectable change", "not compared"],
        help_text="improved / worse where the metric has a better direction (or the runner's band), "
        "changed where it has none, no detectable change under the SDD",
    )
    sdd_source = serializers.CharField()


class MatchedEventSerializer(serializers.Serializer):
    side = serializers.CharField()
    n = serializers.IntegerField(help_text="The n-th contact of this side in both trials")
    frame_a = serializers.IntegerField()
    frame_b = serializers.IntegerField()
    time_a = serializers.FloatField(help_text="Seconds from the start of video A")
    time_b = serializers.FloatField()


class ViewComparisonSerializer(serializers.Serializer):
    view = serializers.CharField()
    label = serializers.CharField()
    video_a = ComparedVideoSerializer()
    video_b = ComparedVideoSerializer()
    metrics = MetricChangeSerializer(many=True, source="rows")
    matched_events = MatchedEventSerializer(many=True, source="events", help_text="Initial contacts, both sides")
    stride_side = serializers.CharField(help_text="The side whose contacts the player steps on (left when found)")


class ComparisonSerializer(serializers.Serializer):
    client = serializers.IntegerField(source="client_id")
    a = ComparedTrialSerializer()
    b = ComparedTrialSerializer()
    same_session = serializers.BooleanField()
    views = ViewComparisonSerializer(many=True, help_text="One entry per view both trials have an analysed video of")
    message = serializers.CharField(help_text="Why nothing could be compared (empty when `views` has entries)")


NOT_COMPARABLE = OpenApiResponse(
    ErrorSerializer, "Bad or missing trial ids, the same trial twice, or trials of two clients"
)
NO_SUCH_TRIAL = OpenApiResponse(ErrorSerializer, "No such trial (or its client was erased)")


class GaitComparisonApi(APIView):
    """Compare trial `b` (now) with trial `a` (before), two trials of the same client: the
    baseline and the cued run of one session, or runs of two sessions."""

    required_permissions = {"GET": ["gait.view_finding"], "POST": ["gait.view_finding"]}

    def _answer(self, request, data):
        given = ComparisonInputSerializer(data=data)
        given.is_valid(raise_exception=True)
        result = comparisons.trial_comparison(
            trial_a_id=given.validated_data["a"], trial_b_id=given.validated_data["b"]
        )
        services.access_record(
            user=request.user, client_id=result.client_id, kind=AccessKind.FINDINGS,
            what=f"comparison of trials #{result.a.trial.pk} and #{result.b.trial.pk}", now=timezone.now(),
        )  # fmt: skip
        return Response(ComparisonSerializer(result).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("a", int, required=True, description="Trial id: before"),
            OpenApiParameter("b", int, required=True, description="Trial id: now"),
        ],
        responses={200: ComparisonSerializer, 400: NOT_COMPARABLE, 404: NO_SUCH_TRIAL},
    )
    def get(self, request):
        return self._answer(
            request, {key: request.query_params[key] for key in ("a", "b") if key in request.query_params}
        )

    @extend_schema(
        request=ComparisonInputSerializer,
        responses={200: ComparisonSerializer, 400: NOT_COMPARABLE, 404: NO_SUCH_TRIAL},
    )
    def post(self, request):
        return self._answer(request, request.data)
