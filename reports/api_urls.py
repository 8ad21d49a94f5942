from django.urls import path

from . import apis

urlpatterns = [
    path("reports/", apis.ReportListCreateApi.as_view(), name="api-report-list"),
    path("reports/<int:report_id>/", apis.ReportDetailApi.as_view(), name="api-report-detail"),
    path("reports/<int:report_id>/send/", apis.ReportSendApi.as_view(), name="api-report-send"),
]
