from django.urls import path

from . import apis

urlpatterns = [
    path("clients/", apis.ClientListCreateApi.as_view(), name="api-client-list"),
    path("clients/<int:client_id>/", apis.ClientDetailApi.as_view(), name="api-client-detail"),
    path("clients/<int:client_id>/archive/", apis.ClientArchiveApi.as_view(), name="api-client-archive"),
    path("clients/<int:client_id>/unarchive/", apis.ClientUnarchiveApi.as_view(), name="api-client-unarchive"),
    path("clients/<int:client_id>/consents/", apis.ClientConsentsApi.as_view(), name="api-client-consents"),
    path("clients/<int:client_id>/export/", apis.ClientExportApi.as_view(), name="api-client-export"),
    path("clients/<int:client_id>/erase/", apis.ClientEraseApi.as_view(), name="api-client-erase"),
]
