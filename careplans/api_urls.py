from django.urls import path

from . import apis

urlpatterns = [
    path("care-plans/", apis.CarePlanListCreateApi.as_view(), name="api-care-plan-list"),
    path("care-plans/<int:plan_id>/", apis.CarePlanDetailApi.as_view(), name="api-care-plan-detail"),
    path("care-plans/<int:plan_id>/status/", apis.CarePlanStatusApi.as_view(), name="api-care-plan-status"),
    path(
        "care-plans/<int:plan_id>/self-booking-invites/",
        apis.SelfBookingInviteApi.as_view(),
        name="api-care-plan-self-booking-invite",
    ),
    path("recalls/", apis.RecallListApi.as_view(), name="api-recall-list"),
    path("recalls/<int:plan_id>/book/", apis.RecallBookApi.as_view(), name="api-recall-book"),
]
