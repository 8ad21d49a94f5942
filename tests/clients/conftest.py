"""Fixtures for the client tests: a related model defined only for the test (so the GDPR export
and erasure are proven to find related rows generically, not from a hard-coded list)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection, models

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 3, 2)


@pytest.fixture
def related_models(db):
    """Two throwaway models: an attachment pointing at Client (with a file and a free-text field
    listed in GDPR_ERASE_FIELDS), and a comment pointing at the attachment."""

    class TestAttachment(models.Model):
        # A hidden reverse relation (related_name="+") must be found too.
        client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
        title = models.CharField(max_length=100)
        notes = models.TextField(blank=True)
        upload = models.FileField(upload_to="clients/test-attachments/", blank=True)
        GDPR_ERASE_FIELDS = ("notes",)

        class Meta:
            app_label = "clients"

        def __str__(self):
            return self.title

    class TestAttachmentComment(models.Model):
        attachment = models.ForeignKey(TestAttachment, on_delete=models.CASCADE, related_name="comments")
        text = models.CharField(max_length=100)

        class Meta:
            app_label = "clients"

        def __str__(self):
            return self.text

    with connection.schema_editor() as editor:
        editor.create_model(TestAttachment)
        editor.create_model(TestAttachmentComment)
    try:
        yield TestAttachment, TestAttachmentComment
    finally:
        # The tables go with the test's rolled-back transaction; the models leave the registry.
        for name in ("testattachmentcomment", "testattachment"):
            apps.all_models["clients"].pop(name, None)
        apps.clear_cache()
