from django.urls import path

from . import compare_views, media_views, views

app_name = "gait"
urlpatterns = [
    path("clients/<int:client_id>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:session_id>/", views.session_detail, name="session-detail"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:session_id>/trials/", views.trial_create, name="trial-create"),
    path("sessions/<int:session_id>/findings/", views.finding_add, name="finding-add"),
    path("sessions/<int:session_id>/prescribe/", views.session_prescribe, name="session-prescribe"),
    path(
        "sessions/<int:session_id>/suggestions/<int:suggestion_id>/decide/",
        views.suggestion_decide,
        name="suggestion-decide",
    ),
    path("sessions/<int:session_id>/sign-off/", views.session_sign_off, name="session-sign-off"),
    path("findings/<int:finding_id>/review/", views.finding_review, name="finding-review"),
    path("videos/<int:video_id>/retry/", views.video_retry, name="video-retry"),
    path("videos/<int:video_id>/media/<str:kind>", media_views.video_media, name="video-media"),
    path("findings/<int:finding_id>/keyframe", media_views.finding_keyframe, name="finding-keyframe"),
    path("compare/", compare_views.compare, name="compare"),
    path("clients/<int:client_id>/timeline/", compare_views.client_timeline, name="client-timeline"),
]
