from django.urls import path

from . import apis, compare_apis

urlpatterns = [
    path("gait-sessions/", apis.GaitSessionListCreateApi.as_view(), name="api-gait-session-list"),
    path("gait-sessions/<int:session_id>/", apis.GaitSessionDetailApi.as_view(), name="api-gait-session-detail"),
    path("gait-sessions/<int:session_id>/trials/", apis.GaitSessionTrialsApi.as_view(), name="api-gait-session-trials"),
    path(
        "gait-sessions/<int:session_id>/clinical-tests/",
        apis.GaitSessionClinicalTestsApi.as_view(),
        name="api-gait-session-clinical-tests",
    ),
    path(
        "gait-sessions/<int:session_id>/findings/",
        apis.GaitSessionFindingsApi.as_view(),
        name="api-gait-session-findings",
    ),
    path(
        "gait-sessions/<int:session_id>/sign-off/", apis.GaitSessionSignOffApi.as_view(), name="api-gait-session-sign-off"
    ),
    path(
        "gait-sessions/<int:session_id>/suggestions/",
        apis.GaitSessionSuggestionsApi.as_view(),
        name="api-gait-session-suggestions",
    ),
    path(
        "gait-sessions/<int:session_id>/suggestions/<int:suggestion_id>/confirm/",
        apis.GaitSuggestionDecideApi.as_view(decision="confirm"),
        name="api-gait-suggestion-confirm",
    ),
    path(
        "gait-sessions/<int:session_id>/suggestions/<int:suggestion_id>/dismiss/",
        apis.GaitSuggestionDecideApi.as_view(decision="dismiss"),
        name="api-gait-suggestion-dismiss",
    ),
    path(
        "gait-sessions/<int:session_id>/targets/", apis.GaitSessionTargetsApi.as_view(), name="api-gait-session-targets"
    ),
    path("gait-videos/", apis.GaitVideoListCreateApi.as_view(), name="api-gait-video-list"),
    path("gait-videos/<int:video_id>/", apis.GaitVideoDetailApi.as_view(), name="api-gait-video-detail"),
    path("gait-videos/<int:video_id>/retry/", apis.GaitVideoRetryApi.as_view(), name="api-gait-video-retry"),
    path("gait-findings/<int:finding_id>/", apis.GaitFindingApi.as_view(), name="api-gait-finding"),
    path("gait-comparisons/", compare_apis.GaitComparisonApi.as_view(), name="api-gait-comparison"),
]
