from django.urls import path

from . import apis

urlpatterns = [
    path("clients/", apis.ClientListApi.as_view(), name="api-client-list"),
]
