from django.urls import path

from . import apis

urlpatterns = [
    path("treatment-notes/", apis.TreatmentNoteListCreateApi.as_view(), name="api-treatment-note-list"),
    path("treatment-notes/<int:note_id>/", apis.TreatmentNoteDetailApi.as_view(), name="api-treatment-note-detail"),
    path("treatment-notes/<int:note_id>/sign/", apis.TreatmentNoteSignApi.as_view(), name="api-treatment-note-sign"),
    path(
        "treatment-notes/<int:note_id>/amendments/",
        apis.TreatmentNoteAmendApi.as_view(),
        name="api-treatment-note-amend",
    ),
]
