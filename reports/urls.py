from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("clients/<int:client_id>/", views.client_reports, name="client"),
    path("sessions/<int:session_id>/generate/", views.generate, name="generate"),
    path("<int:report_id>/", views.detail, name="detail"),
    path("<int:report_id>/pdf/", views.preview, name="preview"),
    path("<int:report_id>/send/", views.send, name="send"),
    # The client's signed link (no login): the token names the report and the client.
    path("download/<str:token>/", views.download, name="download"),
]
