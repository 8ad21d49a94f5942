"""Care plan and recall API. Each endpoint validates input, makes one service or selector call
and serialises the result; domain errors become the standard error body (core.api)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import therapist_get
from clients.selectors import client_get
from core.api import Pagination
from core.exceptions import NotFoundError
from core.models import REASSESSMENT_WEEKS_MAX, REASSESSMENT_WEEKS_MIN

from . import selectors, services
from .models import CarePlanStatus

RECALL_PERMS = ["careplans.view_careplan", "appointments.add_appointment"]


class CarePlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField(source="client.full_name")
    therapist = serializers.IntegerField(source="therapist_id")
    therapist_name = serializers.CharField(source="therapist.display_name")
    goal = serializers.CharField()
    start_date = serializers.DateField()
    reassessment_interval_weeks = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CarePlanStatus.choices)
    next_reassessment_due = serializers.DateField(allow_null=True)
    paused_at = serializers.DateTimeField(allow_null=True)
    discharged_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("clients.view_clinical"):
            data.pop("goal")  # the goal may hold clinical detail
        return data


class CarePlanInputSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    therapist = serializers.IntegerField()
    goal = serializers.CharField(required=False, allow_blank=True, default="")
    start_date = serializers.DateField()
    reassessment_interval_weeks = serializers.IntegerField(
        required=False, min_value=REASSESSMENT_WEEKS_MIN, max_value=REASSESSMENT_WEEKS_MAX
    )
    next_reassessment_due = serializers.DateField(required=False, allow_null=True)


class CarePlanUpdateSerializer(serializers.Serializer):
    therapist = serializers.IntegerField(required=False)
    goal = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField(required=False)
    reassessment_interval_weeks = serializers.IntegerField(
        required=False, min_value=REASSESSMENT_WEEKS_MIN, max_value=REASSESSMENT_WEEKS_MAX
    )
    next_reassessment_due = serializers.DateField(required=False, allow_null=True)


def _plan(plan_id):
    return selectors.care_plan_get(plan_id=plan_id)


class CarePlanListCreateApi(APIView):
    """Care plans, newest first (`?client=<id>`, `?status=ACTIVE|PAUSED|DISCHARGED`); POST starts a plan."""

    required_permissions = {"GET": ["careplans.view_careplan"], "POST": ["careplans.add_careplan"]}

    @extend_schema(
        parameters=[OpenApiParameter("client", int), OpenApiParameter("status", str, enum=CarePlanStatus.values)],
        responses=CarePlanOutputSerializer(many=True),
    )
    def get(self, request):
        filters = {key: request.query_params.get(key) for key in ("client", "status")}
        plans = selectors.care_plan_list(filters=filters)
        paginator = Pagination()
        page = paginator.paginate_queryset(plans, request, view=self)
        return paginator.get_paginated_response(
            CarePlanOutputSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=CarePlanInputSerializer, responses={201: CarePlanOutputSerializer})
    def post(self, request):
        data = CarePlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            client = client_get(client_id=fields.pop("client"))
        except NotFoundError:
            raise serializers.ValidationError({"client": ["No such client."]}) from None
        fields["therapist"] = therapist_get(therapist_id=fields["therapist"])
        plan = services.care_plan_create(client=client, created_by=request.user, **fields)
        return Response(
            CarePlanOutputSerializer(plan, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class CarePlanDetailApi(APIView):
    """One care plan; PUT/PATCH change its therapist, goal, dates or interval."""

    required_permissions = {
        "GET": ["careplans.view_careplan"],
        "PUT": ["careplans.change_careplan"],
        "PATCH": ["careplans.change_careplan"],
    }

    @extend_schema(responses=CarePlanOutputSerializer)
    def get(self, request, plan_id):
        return Response(CarePlanOutputSerializer(_plan(plan_id), context={"request": request}).data)

    @extend_schema(request=CarePlanUpdateSerializer, responses=CarePlanOutputSerializer)
    def patch(self, request, plan_id):
        plan = _plan(plan_id)
        data = CarePlanUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "therapist" in fields:
            fields["therapist"] = therapist_get(therapist_id=fields["therapist"])
        plan = services.care_plan_update(plan=plan, data=fields)
        return Response(CarePlanOutputSerializer(plan, context={"request": request}).data)

    put = patch


class CarePlanStatusInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["pause", "resume", "discharge"])


class CarePlanStatusApi(APIView):
    """Pause, resume or discharge a plan."""

    required_permissions = {"POST": ["careplans.change_careplan"]}

    @extend_schema(request=CarePlanStatusInputSerializer, responses=CarePlanOutputSerializer)
    def post(self, request, plan_id):
        plan = _plan(plan_id)
        data = CarePlanStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.care_plan_set_status(plan=plan, action=data.validated_data["action"], now=timezone.now())
        return Response(CarePlanOutputSerializer(plan, context={"request": request}).data)


class SlotOutputSerializer(serializers.Serializer):
    therapist_id = serializers.IntegerField()
    therapist_name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class RecallOutputSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField(source="plan.id")
    client_id = serializers.IntegerField(source="plan.client_id")
    client_name = serializers.CharField(source="plan.client.full_name")
    client_phone = serializers.CharField(source="plan.client.phone")
    therapist_id = serializers.IntegerField(source="plan.therapist_id")
    therapist_name = serializers.CharField(source="plan.therapist.display_name")
    next_reassessment_due = serializers.DateField(source="plan.next_reassessment_due")
    overdue_days = serializers.IntegerField()
    slots = SlotOutputSerializer(many=True)


class RecallListApi(APIView):
    """Active plans whose reassessment is overdue or due within `within_days` (default 14) and not
    booked, oldest due first, each with the next free slots (the plan's therapist first)."""

    required_permissions = {"GET": RECALL_PERMS}

    @extend_schema(
        parameters=[OpenApiParameter("within_days", int), OpenApiParameter("slots", bool)],
        responses=RecallOutputSerializer(many=True),
    )
    def get(self, request):
        now = timezone.now()
        within_days = selectors.parse_within_days(request.query_params.get("within_days"))
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.recall_list(now=now, within_days=within_days), request, view=self)
        with_slots = request.query_params.get("slots", "true").lower() != "false"
        rows = selectors.recall_rows(plans=page, now=now, with_slots=with_slots)
        return paginator.get_paginated_response(RecallOutputSerializer(rows, many=True).data)


class RecallBookInputSerializer(serializers.Serializer):
    therapist_id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()


class BookedOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.IntegerField()
    therapist_id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.CharField()
    booked_via = serializers.CharField()


class RecallBookApi(APIView):
    """Book a recalled client's reassessment in a free slot."""

    required_permissions = {"POST": RECALL_PERMS}

    @extend_schema(request=RecallBookInputSerializer, responses={201: BookedOutputSerializer})
    def post(self, request, plan_id):
        plan = _plan(plan_id)
        data = RecallBookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.recall_book(plan=plan, now=timezone.now(), booked_by=request.user, **data.validated_data)
        return Response(BookedOutputSerializer(appointment).data, status=status.HTTP_201_CREATED)


class InviteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan_id = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    offered_slots = serializers.ListField(child=serializers.DictField())
    email_status = serializers.ChoiceField(
        source="email.status",
        choices=["queued", "running", "done", "failed"],
        help_text="The link's email: 'queued' until a worker has sent it ('done').",
    )


class SelfBookingInviteApi(APIView):
    """Email the client a single-use link to pick one of a few free reassessment slots."""

    required_permissions = {"POST": RECALL_PERMS}

    @extend_schema(request=None, responses={201: InviteOutputSerializer})
    def post(self, request, plan_id):
        plan = _plan(plan_id)
        sent = services.self_booking_invite_create(
            plan=plan, site_url=request.build_absolute_uri("/"), now=timezone.now(), created_by=request.user
        )
        return Response(InviteOutputSerializer(sent.invite).data, status=status.HTTP_201_CREATED)
