from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("new/", views.appointment_new, name="new"),
    path("new/clients/", views.client_search, name="client-search"),
    path("<int:appointment_id>/", views.appointment_detail, name="detail"),
    path("<int:appointment_id>/move/", views.appointment_reschedule, name="reschedule"),
    path("<int:appointment_id>/cancel/", views.appointment_cancel, name="cancel"),
    path("<int:appointment_id>/mark/", views.appointment_mark, name="mark"),
]
