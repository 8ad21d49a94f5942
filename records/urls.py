from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("appointments/<int:appointment_id>/", views.note, name="note"),
    path("appointments/<int:appointment_id>/amend/", views.note_amend, name="amend"),
]
