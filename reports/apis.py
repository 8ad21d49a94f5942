"""Progress report API (clinical roles only: reception has no reports.* permission). Each endpoint
validates input, reads the clock here and makes one service or selector call. Refusals come back
in the project's error format, e.g. 409 `report_not_ready` (session not signed off, report not
ready or not previewed), `report_already_sent`, `consent_missing`, `no_email_address`."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.selectors import client_get
from core.api import ErrorSerializer, Pagination

from . import selectors, services
from .models import ReportStatus

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such client or gait session (or the client was erased).")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Refused by the report's or client's state: not signed off / still generating / not ready or not "
    "previewed / already sent / no consent to email reports / no email address. `code` and `message` say which.",
)


class DeliverySerializer(serializers.Serializer):
    code = serializers.ChoiceField(["not_sent", "queued", "retrying", "sending", "sent", "failed"])
    label = serializers.CharField(help_text="What staff read, e.g. 'Sent' or 'Failed: <reason>'.")
    to = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    may_send = serializers.BooleanField(help_text="A send (or, after a failure, a new send) is allowed now.")


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    session = serializers.IntegerField(source="session_id")
    version = serializers.IntegerField()
    status = serializers.ChoiceField(ReportStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    problems = serializers.ListField(child=serializers.CharField(), source="problem_list")
    warnings = serializers.ListField(child=serializers.CharField(), source="warning_list")
    error = serializers.CharField(source="last_error")
    attempts = serializers.IntegerField()
    size_bytes = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    created_by = serializers.IntegerField(source="created_by_id")
    created_at = serializers.DateTimeField()
    rendered_at = serializers.DateTimeField(allow_null=True)
    pdf_url = serializers.SerializerMethodField()
    delivery = serializers.SerializerMethodField()

    def get_pdf_url(self, report) -> str | None:
        return reverse("reports:preview", args=[report.pk]) if report.is_ready else None

    @extend_schema_field(DeliverySerializer)
    def get_delivery(self, report) -> dict:
        return DeliverySerializer(selectors.report_delivery_state(report)).data


class GenerateSerializer(serializers.Serializer):
    session = serializers.IntegerField(help_text="A signed-off gait session.")


class SendOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    report = serializers.IntegerField(source="report_id")
    attempt = serializers.IntegerField()
    to = serializers.CharField()
    requested_at = serializers.DateTimeField()


def _report(report_id):
    return ReportSerializer(selectors.report_get(report_id=report_id)).data


class ReportListCreateApi(APIView):
    """Report versions, newest first (`?client=` and/or `?session=`). POST generates a new version
    for a signed-off session: 202, poll its status until `done` (ready) or `failed`."""

    required_permissions = {"GET": ["reports.view_report"], "POST": ["reports.add_report"]}
    pagination_class = Pagination  # also documents the list as pages

    @extend_schema(
        parameters=[OpenApiParameter("client", int), OpenApiParameter("session", int)],
        responses={200: ReportSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request):
        ids = {}
        for name in ("client", "session"):
            raw = request.query_params.get(name)
            if raw is not None:
                if not raw.isdigit():
                    raise serializers.ValidationError({name: [f"Give the {name}'s id (a whole number)."]})
                ids[name] = int(raw)
        if "client" in ids:
            client_get(client_id=ids["client"])  # 404 for an unknown or erased client
        reports = selectors.report_list(client_id=ids.get("client"), session_id=ids.get("session"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response(ReportSerializer(page, many=True).data)

    @extend_schema(request=GenerateSerializer, responses={202: ReportSerializer, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request):
        data = GenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = selectors.session_for_report(session_id=data.validated_data["session"])
        report = services.report_generate(session=session, by=request.user, now=timezone.now())
        return Response(_report(report.pk), status=status.HTTP_202_ACCEPTED)


class ReportDetailApi(APIView):
    """One report version: its status, problems, PDF link (when ready) and email delivery state."""

    required_permissions = {"GET": ["reports.view_report"]}

    @extend_schema(responses=ReportSerializer)
    def get(self, request, report_id):
        return Response(_report(report_id))


class ReportSendApi(APIView):
    """Email a ready, previewed report version to the client (PDF attached, signed download link).
    202: queued in the outbox (retried with back-off); watch `delivery` on the report."""

    required_permissions = {"POST": ["reports.send_report"]}

    @extend_schema(request=None, responses={202: SendOutputSerializer, 409: CONFLICT})
    def post(self, request, report_id):
        report = selectors.report_get(report_id=report_id)
        delivery = services.report_send(
            report=report, by=request.user, now=timezone.now(), site_url=request.build_absolute_uri("/")
        )
        return Response(SendOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
