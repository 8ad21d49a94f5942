from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the strict CSP holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.api_urls")),
    path("", include("clients.api_urls")),
    path("", include("appointments.api_urls")),
    path("", include("careplans.api_urls")),
    path("", include("records.api_urls")),
    path("", include("gait.api_urls")),
    path("", include("exercises.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("clients/", include("clients.urls")),
    path("appointments/", include("appointments.urls")),
    path("care/", include("careplans.urls")),
    path("notes/", include("records.urls")),
    path("gait/", include("gait.urls")),
    path("exercises/", include("exercises.urls")),
    path("reports/", include("reports.urls")),
    path("media/<path:path>", core_views.protected_media, name="protected-media"),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
