"""The timeline registry on its own: any app's source is merged, ordered and capped, and entries
marked clinical never reach users without clients.view_clinical."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clients import timeline
from clients.timeline import TimelineEntry, client_timeline

from .conftest import NOW


@pytest.fixture
def sources(monkeypatch):
    registered = []
    monkeypatch.setattr(timeline, "_sources", registered)
    return registered


def source_of(entries):
    def source(*, client, user, now, limit):
        return entries

    return source


@pytest.mark.django_db
def test_clinical_entries_are_dropped_for_non_clinical_users(sources, client_record, receptionist, therapist):
    report = TimelineEntry(at=NOW - timedelta(days=1), kind="report", kind_label="Report", title="Gait report",
                           clinical=True)
    visit = TimelineEntry(at=NOW - timedelta(days=2), kind="visit", kind_label="Visit", title="Visit")
    timeline.register_timeline_source(source_of([report, visit]))
    timeline.register_timeline_source(source_of([report, visit]))

    assert [e.kind for e in client_timeline(client=client_record, user=therapist, now=NOW).past] == [
        "report", "report", "visit", "visit"]
    assert {e.kind for e in client_timeline(client=client_record, user=receptionist, now=NOW).past} == {"visit"}


@pytest.mark.django_db
def test_entries_are_split_ordered_and_capped(sources, client_record, therapist):
    entries = [TimelineEntry(at=NOW + timedelta(days=d), kind="x", kind_label="X", title=str(d))
               for d in (3, -1, 1, -5, -2, 2)]
    timeline.register_timeline_source(source_of(entries))
    full = client_timeline(client=client_record, user=therapist, now=NOW, limit=None)
    assert [e.title for e in full.upcoming] == ["1", "2", "3"]
    assert [e.title for e in full.past] == ["-1", "-2", "-5"]
    assert not full.truncated
    capped = client_timeline(client=client_record, user=therapist, now=NOW, limit=2)
    assert ([e.title for e in capped.upcoming], [e.title for e in capped.past], capped.truncated) == (
        ["1", "2"], ["-1", "-2"], True)
