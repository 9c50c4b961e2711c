"""Records that predate change history get a first version (migration 0005)."""

import importlib

import pytest
from django.apps import apps

from networks.models import Membership
from sources.history import tracked_models
from sources.models import ChangeSet
from tests.factories import make_membership, make_source

pytestmark = pytest.mark.django_db

baseline = importlib.import_module("networks.migrations.0005_history_baseline")


def test_records_without_history_get_a_first_version_with_their_sources():
    source = make_source()
    membership = make_membership(sources=[source])
    for model in tracked_models():  # as if they had been written before history existed
        model.history.all().delete()

    baseline.write_baseline(apps, None)

    change_set = ChangeSet.objects.get()
    version = Membership.history.get(id=membership.pk)
    assert (version.history_type, version.change_set) == ("+", change_set)
    assert list(version.sources.values_list("source_id", flat=True)) == [source.pk]
    for model in tracked_models():
        assert model.history.count() == model.objects.count()

    baseline.write_baseline(apps, None)  # a second run finds nothing to do
    assert ChangeSet.objects.count() == 1

    baseline.remove_baseline(apps, None)
    assert not ChangeSet.objects.exists()
    assert not Membership.history.exists()
