from django.urls import path

from . import apis

urlpatterns = [
    path("exercises/", apis.ExerciseListCreateApi.as_view(), name="api-exercise-list"),
    path("exercises/<int:exercise_id>/", apis.ExerciseDetailApi.as_view(), name="api-exercise-detail"),
    path("exercises/<int:exercise_id>/hidden/", apis.ExerciseHiddenApi.as_view(), name="api-exercise-hidden"),
    path("cues/", apis.CueListApi.as_view(), name="api-cue-list"),
    path("programmes/", apis.ProgrammeListCreateApi.as_view(), name="api-programme-list"),
    path("programmes/<int:programme_id>/", apis.ProgrammeDetailApi.as_view(), name="api-programme-detail"),
    path("programmes/<int:programme_id>/issue/", apis.ProgrammeIssueApi.as_view(), name="api-programme-issue"),
    path("programmes/<int:programme_id>/revise/", apis.ProgrammeReviseApi.as_view(), name="api-programme-revise"),
]
