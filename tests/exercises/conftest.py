import pytest

from exercises.library_data import seed_builtin_library
from exercises.models import Exercise, RetrainingCue


@pytest.fixture
def library(db):
    """The built-in library. The data migration seeds it, but a transactional test (e.g. a
    browser test) empties every table when it ends, so seed again (idempotent)."""
    seed_builtin_library(Exercise, RetrainingCue)
    return {e.slug: e for e in Exercise.objects.all()}
