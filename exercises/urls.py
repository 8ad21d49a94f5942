from django.urls import path

from . import views

app_name = "exercises"
urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.exercise_new, name="new"),
    path("cues/", views.cues, name="cues"),
    path("cues/<slug:slug>/hidden/", views.cue_hidden, name="cue-hidden"),
    path("clients/<int:client_id>/programmes/", views.client_programmes, name="client-programmes"),
    path("programmes/<int:programme_id>/", views.programme, name="programme"),
    path("programmes/<int:programme_id>/print/", views.programme_print, name="programme-print"),
    path("programmes/<int:programme_id>/exercises/", views.programme_add_exercise, name="programme-add-exercise"),
    path("programmes/<int:programme_id>/exercises/<int:line_id>/remove/", views.programme_remove_exercise,
         name="programme-remove-exercise"),
    path("programmes/<int:programme_id>/cues/", views.programme_add_cue, name="programme-add-cue"),
    path("programmes/<int:programme_id>/cues/<int:cue_line_id>/remove/", views.programme_remove_cue,
         name="programme-remove-cue"),
    path("programmes/<int:programme_id>/revise/", views.programme_revise, name="programme-revise"),
    path("<slug:slug>/", views.exercise_detail, name="detail"),
    path("<slug:slug>/edit/", views.exercise_edit, name="edit"),
    path("<slug:slug>/hidden/", views.exercise_hidden, name="hidden"),
]
