"""Client API. One view per operation; each calls one selector or service. Clinical fields are
only ever read or written by users with clients.view_clinical."""

from __future__ import annotations

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination

from . import selectors, services
from .filters import ClientFilter
from .models import CLINICAL_FIELDS, Client, Consent, ConsentPurpose, Sex
from .services import ADMIN_FIELDS, EDITABLE_FIELDS

READ_ONLY_FIELDS = ["id", "is_archived", "archived_at", "created_at", "updated_at"]


# Serializers ------------------------------------------------------------------------------
class ClientOutputSerializer(serializers.ModelSerializer):
    """A client as reception sees it: contact, running background, referral and alerts."""

    full_name = serializers.CharField(read_only=True)
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Client
        fields = ["id", "full_name", *ADMIN_FIELDS, "is_archived", "archived_at", "created_at", "updated_at"]
        read_only_fields = fields


class ClinicalClientOutputSerializer(ClientOutputSerializer):
    """A client as clinical staff see it: everything, including the clinical intake."""

    class Meta(ClientOutputSerializer.Meta):
        fields = [*ClientOutputSerializer.Meta.fields, *CLINICAL_FIELDS]
        read_only_fields = fields


class ClientInputSerializer(serializers.ModelSerializer):
    """Client fields to set. Clinical fields need clients.view_clinical (403 otherwise)."""

    allow_duplicate = serializers.BooleanField(
        required=False, default=False, write_only=True,
        help_text="Save even though a client with the same name and date of birth exists.",
    )

    class Meta:
        model = Client
        fields = [*EDITABLE_FIELDS, "allow_duplicate"]
        extra_kwargs = {
            "pain_score": {"error_messages": {"max_value": "Pain score must be from 0 to 10.",
                                              "min_value": "Pain score must be from 0 to 10."}},
            "weekly_distance_km": {"error_messages": {"min_value": "Weekly distance cannot be negative."}},
        }


class ConsentOutputSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = ["id", "purpose", "granted", "recorded_at", "recorded_by", "note"]

    def get_recorded_by(self, consent) -> str | None:
        return consent.recorded_by.display_name if consent.recorded_by else None


class ConsentCurrentSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    label = serializers.CharField()
    granted = serializers.BooleanField(allow_null=True, help_text="null: never recorded")
    recorded_at = serializers.DateTimeField(allow_null=True)


class ConsentsOutputSerializer(serializers.Serializer):
    current = ConsentCurrentSerializer(many=True)
    history = ConsentOutputSerializer(many=True)


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    granted = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EraseInputSerializer(serializers.Serializer):
    confirmation = serializers.CharField(help_text="The client's full name, typed to confirm.")


class PaginatedClientsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ClinicalClientOutputSerializer(many=True, help_text="Clinical fields only for clinical staff")


def _output_serializer(user):
    return ClinicalClientOutputSerializer if user.has_perm("clients.view_clinical") else ClientOutputSerializer


def _client_input(request, *, partial: bool) -> dict:
    if not request.user.has_perm("clients.view_clinical"):
        forbidden = sorted(set(CLINICAL_FIELDS) & set(request.data))
        if forbidden:
            raise PermissionDenied(f"Only clinical staff may set clinical fields: {', '.join(forbidden)}.")
    serializer = ClientInputSerializer(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    if not request.user.has_perm("clients.view_clinical"):
        for name in CLINICAL_FIELDS:
            data.pop(name, None)
    return data


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Name, phone, email or date of birth (1988-04-12 or 12/04/1988)"),
    OpenApiParameter("search", str, description="Same as q"),
    OpenApiParameter("archived", str, enum=[c[0] for c in ClientFilter.ARCHIVED_CHOICES],
                     description="false (default): active only; true: archived only; all"),
    OpenApiParameter("sex", str, enum=Sex.values),
    OpenApiParameter("has_consent", str, enum=ConsentPurpose.values, description="Current consent granted for"),
    OpenApiParameter("referral_source", str, description="Contains (any case)"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


# Views ------------------------------------------------------------------------------------
class ClientListCreateApi(APIView):
    required_permissions = {"GET": ["clients.view_client"], "POST": ["clients.add_client"]}

    @extend_schema(operation_id="clients_list", parameters=FILTER_PARAMETERS, responses=PaginatedClientsSerializer,
                   summary="List clients (clinical fields only for clinical staff)")
    def get(self, request):
        filters = {key: value for key, value in request.query_params.items() if key not in ("page", "page_size")}
        if "search" in filters and "q" not in filters:
            filters["q"] = filters.pop("search")
        clients = selectors.client_list(filters=filters)
        paginator = Pagination()
        page = paginator.paginate_queryset(clients, request, view=self)
        return paginator.get_paginated_response(_output_serializer(request.user)(page, many=True).data)

    @extend_schema(request=ClientInputSerializer, responses={201: ClinicalClientOutputSerializer},
                   summary="Create a client (409 probable_duplicate unless allow_duplicate)")
    def post(self, request):
        data = _client_input(request, partial=False)
        client = services.client_create(created_by=request.user, today=timezone.localdate(), **data)
        return Response(_output_serializer(request.user)(client).data, status=status.HTTP_201_CREATED)


class ClientDetailApi(APIView):
    required_permissions = {
        "GET": ["clients.view_client"], "PUT": ["clients.change_client"], "PATCH": ["clients.change_client"],
    }

    @extend_schema(responses=ClinicalClientOutputSerializer, summary="A client (clinical fields only for clinical staff)")
    def get(self, request, client_id):
        client = selectors.client_get(client_id=client_id)
        return Response(_output_serializer(request.user)(client).data)

    def _update(self, request, client_id, *, partial):
        client = selectors.client_get(client_id=client_id)
        data = _client_input(request, partial=partial)
        allow_duplicate = data.pop("allow_duplicate", False)
        client = services.client_update(
            client=client, updated_by=request.user, today=timezone.localdate(), data=data,
            allow_duplicate=allow_duplicate,
        )
        return Response(_output_serializer(request.user)(client).data)

    @extend_schema(request=ClientInputSerializer, responses=ClinicalClientOutputSerializer)
    def put(self, request, client_id):
        return self._update(request, client_id, partial=False)

    @extend_schema(request=ClientInputSerializer, responses=ClinicalClientOutputSerializer)
    def patch(self, request, client_id):
        return self._update(request, client_id, partial=True)


class ClientArchiveApi(APIView):
    required_permissions = {"POST": ["clients.change_client"]}

    @extend_schema(request=None, responses=ClientOutputSerializer, summary="Archive a client (hidden, not bookable)")
    def post(self, request, client_id):
        client = services.client_archive(client=selectors.client_get(client_id=client_id), now=timezone.now())
        return Response(ClientOutputSerializer(client).data)


class ClientUnarchiveApi(APIView):
    required_permissions = {"POST": ["clients.change_client"]}

    @extend_schema(request=None, responses=ClientOutputSerializer, summary="Make an archived client active again")
    def post(self, request, client_id):
        client = services.client_unarchive(client=selectors.client_get(client_id=client_id))
        return Response(ClientOutputSerializer(client).data)


class ClientConsentsApi(APIView):
    required_permissions = {"GET": ["clients.view_consent"], "POST": ["clients.add_consent"]}

    @extend_schema(responses=ConsentsOutputSerializer, summary="Current consent per purpose, and the full history")
    def get(self, request, client_id):
        client = selectors.client_get(client_id=client_id)
        summary = selectors.consent_summary(client)
        current = [
            {"purpose": row["purpose"], "label": row["label"],
             "granted": row["current"].granted if row["current"] else None,
             "recorded_at": row["current"].recorded_at if row["current"] else None}
            for row in summary
        ]
        history = selectors.consent_history(client)
        return Response(ConsentsOutputSerializer({"current": current, "history": history}).data)

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentOutputSerializer},
                   summary="Record a consent decision (a new history row; the latest is current)")
    def post(self, request, client_id):
        client = selectors.client_get(client_id=client_id)
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_record(
            client=client, recorded_by=request.user, now=timezone.now(), **serializer.validated_data
        )
        return Response(ConsentOutputSerializer(consent).data, status=status.HTTP_201_CREATED)


class ClientExportApi(APIView):
    required_permissions = {"GET": ["clients.export_client"]}

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY},
                   summary="GDPR export: everything held about the client as a ZIP (logged)")
    def get(self, request, client_id):
        client = selectors.client_get(client_id=client_id)
        export = services.client_export(client=client, exported_by=request.user, now=timezone.now())
        response = FileResponse(export.file, as_attachment=True, filename=export.filename,
                                content_type="application/zip")
        response["Cache-Control"] = "private, no-store"
        return response


class ClientEraseApi(APIView):
    required_permissions = {"POST": ["clients.erase_client"]}

    @extend_schema(
        request=EraseInputSerializer,
        responses=inline_serializer("ClientErased", {"id": serializers.IntegerField(),
                                                     "erased_at": serializers.DateTimeField()}),
        summary="Erase the client's personal data (keeps anonymised statistics; logged)",
    )
    def post(self, request, client_id):
        client = selectors.client_get(client_id=client_id)
        serializer = EraseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = services.client_erase(
            client=client, erased_by=request.user, now=timezone.now(),
            confirmation=serializer.validated_data["confirmation"],
        )
        return Response({"id": client.pk, "erased_at": client.erased_at})
