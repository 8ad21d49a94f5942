"""Appointments API. Each endpoint validates input with a serializer, reads the clock here and
makes one call into services (writes) or selectors (reads). Refusals come back in the
project's error format; a clash is HTTP 409 with `clashing_appointment_id`."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import CLINIC_ADMIN
from accounts.selectors import therapist_get
from clients.models import Client
from core.clinic_time import clinic_tz
from core.exceptions import ApplicationError, NotFoundError
from core.permissions import RolePermissions

from . import selectors, services
from .filters import AppointmentFilter
from .models import AppointmentStatus, AppointmentType, AvailabilityException, Room, WorkingHours

ERROR = inline_serializer(
    "Error",
    {
        "message": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
CLASH = inline_serializer(
    "Clash",
    {
        "message": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(),
        "clashing_appointment_id": serializers.IntegerField(),
    },
)
REFUSALS = {400: OpenApiResponse(ERROR, "Refused: the message says why"), 409: OpenApiResponse(CLASH, "Clash")}


# Appointments ----------------------------------------------------------------------------


class AppointmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField(source="client.full_name")
    therapist = serializers.IntegerField(source="therapist_id")
    therapist_name = serializers.CharField(source="therapist.display_name")
    appointment_type = serializers.IntegerField(source="appointment_type_id")
    appointment_type_name = serializers.CharField(source="appointment_type.name")
    room = serializers.IntegerField(source="room_id", allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    booked_via = serializers.CharField()
    cancel_reason = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    late_cancellation = serializers.BooleanField()
    notes = serializers.CharField()


class AppointmentBookSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.all())
    therapist = serializers.IntegerField()
    appointment_type = serializers.PrimaryKeyRelatedField(queryset=AppointmentType.objects.all())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        required=False, help_text="Optional; must be the start plus the type's duration if given."
    )
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        ends_at = attrs.pop("ends_at", None)
        if ends_at is not None:
            if ends_at <= attrs["starts_at"]:
                raise ApplicationError("The appointment must end after it starts.")
            minutes = attrs["appointment_type"].duration_minutes
            if (ends_at - attrs["starts_at"]).total_seconds() != minutes * 60:
                raise ApplicationError(
                    f"A {attrs['appointment_type'].name} lasts {minutes} minutes; leave out ends_at or make it match."
                )
        return attrs


class AppointmentRescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    therapist = serializers.IntegerField(required=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=300)


class HistorySerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    changed_at = serializers.DateTimeField()
    changed_by = serializers.CharField(source="changed_by.display_name", allow_null=True, default=None)
    note = serializers.CharField()


class AppointmentListCreateApi(generics.ListAPIView):
    """Appointments, filtered by therapist, client, status and clinic-local date range; POST books one."""

    required_permissions = {
        "POST": ["appointments.add_appointment"],
        "*": ["appointments.view_appointment"],  # GET, HEAD, OPTIONS
    }
    serializer_class = AppointmentOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AppointmentFilter

    def get_queryset(self):
        return selectors.appointment_list()

    @extend_schema(request=AppointmentBookSerializer, responses={201: AppointmentOutputSerializer, **REFUSALS})
    def post(self, request):
        serializer = AppointmentBookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appointment = services.appointment_book(
            client=data["client"],
            therapist=therapist_get(therapist_id=data["therapist"]),
            appointment_type=data["appointment_type"],
            starts_at=data["starts_at"],
            room=data.get("room"),
            notes=data.get("notes", ""),
            now=timezone.now(),
            created_by=request.user,
        )
        return Response(AppointmentOutputSerializer(appointment).data, status=status.HTTP_201_CREATED)


def _get(appointment_id):
    return selectors.appointment_get(appointment_id=appointment_id)


class AppointmentDetailApi(APIView):
    """One appointment; PATCH moves it (a new start and optionally another therapist)."""

    required_permissions = {
        "PATCH": ["appointments.change_appointment"],
        "*": ["appointments.view_appointment"],  # GET, HEAD, OPTIONS
    }

    @extend_schema(responses=AppointmentOutputSerializer)
    def get(self, request, appointment_id):
        return Response(AppointmentOutputSerializer(_get(appointment_id)).data)

    @extend_schema(request=AppointmentRescheduleSerializer, responses={200: AppointmentOutputSerializer, **REFUSALS})
    def patch(self, request, appointment_id):
        appointment = _get(appointment_id)
        serializer = AppointmentRescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        therapist = therapist_get(therapist_id=data["therapist"]) if "therapist" in data else None
        appointment = services.appointment_reschedule(
            appointment=appointment,
            starts_at=data["starts_at"],
            therapist=therapist,
            now=timezone.now(),
            changed_by=request.user,
        )
        return Response(AppointmentOutputSerializer(appointment).data)


class AppointmentCancelApi(APIView):
    """Cancel a booked appointment; a reason is required. Late cancellations are flagged."""

    required_permissions = ["appointments.change_appointment"]

    @extend_schema(request=CancelSerializer, responses={200: AppointmentOutputSerializer, **REFUSALS})
    def post(self, request, appointment_id):
        appointment = _get(appointment_id)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appointment = services.appointment_cancel(
            appointment=appointment,
            reason=serializer.validated_data["reason"],
            now=timezone.now(),
            changed_by=request.user,
        )
        return Response(AppointmentOutputSerializer(appointment).data)


class _MarkApi(APIView):
    required_permissions = ["appointments.change_appointment"]
    mark_as: str

    @extend_schema(request=None, responses={200: AppointmentOutputSerializer, **REFUSALS})
    def post(self, request, appointment_id):
        appointment = services.appointment_mark(
            appointment=_get(appointment_id), status=self.mark_as, now=timezone.now(), changed_by=request.user
        )
        return Response(AppointmentOutputSerializer(appointment).data)


class AppointmentAttendApi(_MarkApi):
    """Mark a booked appointment attended (not before it starts); assessments schedule the reassessment."""

    mark_as = AppointmentStatus.ATTENDED


class AppointmentNoShowApi(_MarkApi):
    """Mark a booked appointment a no-show (not before it starts)."""

    mark_as = AppointmentStatus.NO_SHOW


class AppointmentHistoryApi(APIView):
    """Every booking, move and status change of the appointment, oldest first."""

    required_permissions = ["appointments.view_appointment"]

    @extend_schema(responses=HistorySerializer(many=True))
    def get(self, request, appointment_id):
        history = selectors.appointment_history(appointment=_get(appointment_id))
        return Response(HistorySerializer(history, many=True).data)


# Free slots ----------------------------------------------------------------------------------


class SlotQuerySerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Appointment type id")
    therapist = serializers.CharField(required=False, help_text="Therapist id; leave out for any therapist")
    # "from" is a Python keyword, so the field is declared below under that name.
    count = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)


SlotQuerySerializer._declared_fields["from"] = serializers.CharField(
    required=False, help_text="Clinic-local date (YYYY-MM-DD) or ISO 8601 date-time; default now"
)


class SlotSerializer(serializers.Serializer):
    therapist_id = serializers.IntegerField()
    therapist_name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    room_id = serializers.IntegerField(allow_null=True)


def _parse_from(value: str | None, now: datetime) -> datetime:
    if not value:
        return now
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        try:
            moment = datetime.combine(date.fromisoformat(value), time.min)
        except ValueError:
            raise ApplicationError(
                f"from: “{value}” is not a date or date-time; use YYYY-MM-DD or ISO 8601 (e.g. 2026-11-03T09:00).",
                extra={"errors": {"from": ["Not a date or date-time."]}},
            ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=clinic_tz())
    return max(moment, now)


class SlotsApi(APIView):
    """The next free slots for an appointment type, for one therapist or any, never in the past."""

    required_permissions = ["appointments.view_appointment"]

    @extend_schema(
        parameters=[
            OpenApiParameter("type", int, required=True, description="Appointment type id"),
            OpenApiParameter("therapist", int, description="Therapist id; leave out for any therapist"),
            OpenApiParameter("from", str, description="Clinic-local date (YYYY-MM-DD) or ISO 8601 date-time"),
            OpenApiParameter("count", int, description="How many slots (1–100, default 10)"),
        ],
        responses={200: SlotSerializer(many=True), 400: OpenApiResponse(ERROR, "Unknown therapist or type, bad date")},
    )
    def get(self, request):
        query = SlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        now = timezone.now()
        after = _parse_from(params.get("from"), now)
        try:
            appointment_type = selectors.appointment_type_get(type_id=params["type"])
        except NotFoundError as exc:
            raise ApplicationError(exc.message) from None
        therapist = therapist_get(therapist_id=params["therapist"]) if params.get("therapist") else None
        slots = selectors.free_slots(
            appointment_type=appointment_type, therapist=therapist, after=after, count=params["count"]
        )
        return Response(SlotSerializer(slots, many=True).data)


# Availability, rooms and types: read for all staff, write for clinic admins --------------------


class ClinicAdminWrites(RolePermissions):
    """Reads need the model's view permission; writes also need the Clinic admin role."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return request.user.is_superuser or any(g.name == CLINIC_ADMIN for g in request.user.groups.all())


class WorkingHoursSerializer(serializers.ModelSerializer):
    therapist = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))

    class Meta:
        model = WorkingHours
        fields = ["id", "therapist", "weekday", "start_time", "end_time"]
        validators = []  # the model's constraints are checked by the service, with their messages


class AvailabilityExceptionSerializer(serializers.ModelSerializer):
    therapist = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))

    class Meta:
        model = AvailabilityException
        fields = ["id", "therapist", "kind", "starts_at", "ends_at", "note"]
        validators = []


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "has_treadmill"]
        extra_kwargs = {"name": {"validators": []}}


class AppointmentTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppointmentType
        fields = ["id", "name", "kind", "duration_minutes", "needs_treadmill", "colour"]
        extra_kwargs = {"name": {"validators": []}}


class _ListCreate(generics.ListAPIView):
    permission_classes = [ClinicAdminWrites]
    selector = None
    model = None

    def get_queryset(self):
        return type(self).selector()

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = services.availability_save(instance=self.model(), data=serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class _Detail(generics.RetrieveAPIView):
    permission_classes = [ClinicAdminWrites]
    selector = None
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        return type(self).selector()

    def patch(self, request, pk):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        instance = services.availability_save(instance=instance, data=serializer.validated_data)
        return Response(self.get_serializer(instance).data)

    def delete(self, request, pk):
        services.availability_delete(instance=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkingHoursListApi(_ListCreate):
    """Therapists' regular hours per weekday (0 = Monday), clinic-local wall-clock times."""

    serializer_class = WorkingHoursSerializer
    selector = staticmethod(selectors.working_hours_list)
    model = WorkingHours


class WorkingHoursDetailApi(_Detail):
    """Therapists' regular hours per weekday (0 = Monday), clinic-local wall-clock times."""

    serializer_class = WorkingHoursSerializer
    selector = staticmethod(selectors.working_hours_list)


class AvailabilityExceptionListApi(_ListCreate):
    """Leave (unavailable) and extra hours overriding a therapist's regular hours."""

    serializer_class = AvailabilityExceptionSerializer
    selector = staticmethod(selectors.availability_exception_list)
    model = AvailabilityException


class AvailabilityExceptionDetailApi(_Detail):
    """Leave (unavailable) and extra hours overriding a therapist's regular hours."""

    serializer_class = AvailabilityExceptionSerializer
    selector = staticmethod(selectors.availability_exception_list)


class RoomListApi(_ListCreate):
    """Treatment rooms."""

    serializer_class = RoomSerializer
    selector = staticmethod(selectors.room_list)
    model = Room


class RoomDetailApi(_Detail):
    """Treatment rooms."""

    serializer_class = RoomSerializer
    selector = staticmethod(selectors.room_list)


class AppointmentTypeListApi(_ListCreate):
    """Appointment types and durations."""

    serializer_class = AppointmentTypeSerializer
    selector = staticmethod(selectors.appointment_type_list)
    model = AppointmentType


class AppointmentTypeDetailApi(_Detail):
    """Appointment types and durations."""

    serializer_class = AppointmentTypeSerializer
    selector = staticmethod(selectors.appointment_type_list)
