from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/archive/", views.client_archive, name="archive"),
    path("<int:client_id>/unarchive/", views.client_unarchive, name="unarchive"),
    path("<int:client_id>/consents/", views.consent_record, name="consent-record"),
    path("<int:client_id>/export/", views.client_export, name="export"),
    path("<int:client_id>/erase/", views.client_erase, name="erase"),
]
