"""Treatment note API (therapists only). Each endpoint validates input, reads the clock here and
makes one service or selector call; refusals come back in the project's error format (a signed
note is locked: 409 `note_signed`)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from appointments.selectors import appointment_get
from core.api import Pagination
from core.exceptions import NotFoundError

from . import selectors, services

VIEW = ["records.view_treatmentnote"]


class AmendmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.IntegerField(source="author_id")
    author_name = serializers.CharField(source="author.display_name")
    created_at = serializers.DateTimeField()
    reason = serializers.CharField()
    text = serializers.CharField()


class TreatmentNoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    appointment = serializers.IntegerField(source="appointment_id")
    client = serializers.IntegerField(source="appointment.client_id")
    appointment_starts_at = serializers.DateTimeField(source="appointment.starts_at")
    author = serializers.IntegerField(source="author_id")
    subjective = serializers.CharField()
    objective = serializers.CharField()
    assessment = serializers.CharField()
    plan = serializers.CharField()
    status = serializers.SerializerMethodField()
    signed_by = serializers.IntegerField(source="signed_by_id", allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    amendments = AmendmentOutputSerializer(many=True, source="amendments.all")

    def get_status(self, note) -> str:
        return "signed" if note.is_signed else "draft"


class SoapSerializer(serializers.Serializer):
    subjective = serializers.CharField(required=False, allow_blank=True)
    objective = serializers.CharField(required=False, allow_blank=True)
    assessment = serializers.CharField(required=False, allow_blank=True)
    plan = serializers.CharField(required=False, allow_blank=True)


class TreatmentNoteCreateSerializer(SoapSerializer):
    appointment = serializers.IntegerField()


class AmendmentInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    text = serializers.CharField()


def _output(note_id):
    return TreatmentNoteOutputSerializer(selectors.note_get(note_id=note_id)).data


class TreatmentNoteListCreateApi(APIView):
    """Treatment notes, newest appointment first (`?client=`, `?appointment=`, `?signed=true|false`);
    POST starts the draft note of an attended appointment (one note per appointment)."""

    required_permissions = {"GET": VIEW, "POST": ["records.add_treatmentnote"]}

    @extend_schema(
        parameters=[
            OpenApiParameter("client", int),
            OpenApiParameter("appointment", int),
            OpenApiParameter("signed", bool),
        ],
        responses=TreatmentNoteOutputSerializer(many=True),
    )
    def get(self, request):
        filters = {key: request.query_params.get(key) for key in ("client", "appointment", "signed")}
        notes = selectors.note_list(filters={key: value for key, value in filters.items() if value is not None})
        paginator = Pagination()
        page = paginator.paginate_queryset(notes, request, view=self)
        return paginator.get_paginated_response(TreatmentNoteOutputSerializer(page, many=True).data)

    @extend_schema(request=TreatmentNoteCreateSerializer, responses={201: TreatmentNoteOutputSerializer})
    def post(self, request):
        data = TreatmentNoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            appointment = appointment_get(appointment_id=fields.pop("appointment"))
        except NotFoundError:
            raise serializers.ValidationError({"appointment": ["No such appointment."]}) from None
        note = services.note_create(appointment=appointment, author=request.user, fields=fields)
        return Response(_output(note.pk), status=status.HTTP_201_CREATED)


class TreatmentNoteDetailApi(APIView):
    """One note with its amendments; PATCH changes a draft (a signed note is locked: 409)."""

    required_permissions = {
        "GET": VIEW,
        "PUT": ["records.change_treatmentnote"],
        "PATCH": ["records.change_treatmentnote"],
    }

    @extend_schema(responses=TreatmentNoteOutputSerializer)
    def get(self, request, note_id):
        return Response(_output(note_id))

    @extend_schema(request=SoapSerializer, responses=TreatmentNoteOutputSerializer)
    def patch(self, request, note_id):
        note = selectors.note_get(note_id=note_id)
        data = SoapSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        note = services.note_update(note=note, fields=dict(data.validated_data))
        return Response(_output(note.pk))

    put = patch


class TreatmentNoteSignApi(APIView):
    """Sign a draft note; from then on it is locked and changes are amendments."""

    required_permissions = {"POST": ["records.sign_treatmentnote"]}

    @extend_schema(request=None, responses=TreatmentNoteOutputSerializer)
    def post(self, request, note_id):
        note = selectors.note_get(note_id=note_id)
        note = services.note_sign(note=note, signed_by=request.user, now=timezone.now())
        return Response(_output(note.pk))


class TreatmentNoteAmendApi(APIView):
    """Add an amendment (reason and text) to a signed note."""

    required_permissions = {"POST": ["records.add_treatmentnoteamendment"]}

    @extend_schema(request=AmendmentInputSerializer, responses={201: TreatmentNoteOutputSerializer})
    def post(self, request, note_id):
        note = selectors.note_get(note_id=note_id)
        data = AmendmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.note_amend(note=note, author=request.user, now=timezone.now(), **data.validated_data)
        return Response(_output(note.pk), status=status.HTTP_201_CREATED)
