from django.urls import path

from . import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("staff/", apis.StaffListApi.as_view(), name="api-staff"),
    path("auth/token/", apis.TokenApi.as_view(), name="api-token"),
]
