from django.urls import path

from . import views

app_name = "careplans"
urlpatterns = [
    path("recalls/", views.recalls, name="recalls"),
    path("recalls/<int:plan_id>/book/", views.recall_book, name="recall-book"),
    path("clients/<int:client_id>/", views.client_plans, name="client-plans"),
    path("clients/<int:client_id>/new/", views.plan_create, name="create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("plans/<int:plan_id>/status/", views.plan_status, name="status"),
    path("plans/<int:plan_id>/invite/", views.plan_invite, name="invite"),
    path("book/<str:token>/", views.self_book, name="self-book"),
]
