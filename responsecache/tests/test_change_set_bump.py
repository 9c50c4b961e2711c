"""Inside a change set the content version moves once, when it commits (issue #15 item 7):
not once for every record, historical row and citation written, and not at all when the
change set is rolled back."""

import pytest
from django.db import transaction

from responsecache import cache as response_cache
from responsecache.cache import content_version, invalidate_after_request
from sources.history import recording
from sources.models import ChangeKind
from tests.factories import make_institution, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def bumps(monkeypatch):
    """Every bump of the content version, counted (each still moves the real version)."""
    calls = []
    original = response_cache.bump_content_version

    def counting():
        calls.append(1)
        original()

    monkeypatch.setattr(response_cache, "bump_content_version", counting)
    return calls


def test_a_change_set_of_many_records_moves_the_version_once_when_it_commits(
    bumps, django_capture_on_commit_callbacks
):
    institutions = [make_institution() for _ in range(5)]
    invalidate_after_request(sender=None)
    bumps.clear()
    version = content_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with recording(kind=ChangeKind.EDIT, reason="many records"):
            source = make_source()
            for institution in institutions:
                institution.name += " (renamed)"
                institution.save()
                institution.sources.add(source)
        assert bumps == []  # nothing yet: other requests still read the old data
        assert content_version() == version
    for callback in callbacks:
        callback()
    assert len(bumps) == 1
    assert content_version() != version


def test_a_change_set_rolled_back_leaves_the_cache_alone(bumps, django_capture_on_commit_callbacks):
    institution = make_institution()
    invalidate_after_request(sender=None)
    bumps.clear()
    version = content_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with recording(kind=ChangeKind.EDIT, reason="a dry run"):
            institution.name = "Not for real"
            institution.save()
        transaction.set_rollback(True)
    assert bumps == []
    assert content_version() == version


def test_a_save_outside_a_change_set_still_moves_the_version_at_once(bumps):
    institution = make_institution()
    bumps.clear()
    version = content_version()
    institution.name = "Edited in the shell"
    institution.save()
    assert bumps  # at once (the record and its historical row: twice)
    assert content_version() != version
