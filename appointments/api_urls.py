from django.urls import path

from . import apis

urlpatterns = [
    path("appointments/", apis.AppointmentListCreateApi.as_view(), name="api-appointments"),
    path("appointments/<int:appointment_id>/", apis.AppointmentDetailApi.as_view(), name="api-appointment"),
    path(
        "appointments/<int:appointment_id>/cancel/", apis.AppointmentCancelApi.as_view(), name="api-appointment-cancel"
    ),
    path(
        "appointments/<int:appointment_id>/attend/", apis.AppointmentAttendApi.as_view(), name="api-appointment-attend"
    ),
    path(
        "appointments/<int:appointment_id>/no-show/",
        apis.AppointmentNoShowApi.as_view(),
        name="api-appointment-no-show",
    ),
    path(
        "appointments/<int:appointment_id>/history/",
        apis.AppointmentHistoryApi.as_view(),
        name="api-appointment-history",
    ),
    path("slots/", apis.SlotsApi.as_view(), name="api-slots"),
    path("availability/working-hours/", apis.WorkingHoursListApi.as_view(), name="api-working-hours"),
    path("availability/working-hours/<int:pk>/", apis.WorkingHoursDetailApi.as_view(), name="api-working-hours-detail"),
    path("availability/exceptions/", apis.AvailabilityExceptionListApi.as_view(), name="api-exceptions"),
    path(
        "availability/exceptions/<int:pk>/", apis.AvailabilityExceptionDetailApi.as_view(), name="api-exceptions-detail"
    ),
    path("rooms/", apis.RoomListApi.as_view(), name="api-rooms"),
    path("rooms/<int:pk>/", apis.RoomDetailApi.as_view(), name="api-rooms-detail"),
    path("appointment-types/", apis.AppointmentTypeListApi.as_view(), name="api-appointment-types"),
    path("appointment-types/<int:pk>/", apis.AppointmentTypeDetailApi.as_view(), name="api-appointment-types-detail"),
]
