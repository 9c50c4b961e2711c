"""load_directory records what it changes as one change set, and nothing when nothing changed."""

import pytest

from curation.loader import load_directory
from curation.tests.test_loader import NETWORK, write_dataset
from institutions.models import Institution
from networks.models import Membership, Network
from sources.history import tracked_models
from sources.models import ChangeKind, ChangeSet
from sources.services import undo_change_set

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]


def history_rows() -> int:
    return sum(m.history.count() for m in tracked_models())


def test_a_load_is_one_change_set_with_one_version_of_each_record(tmp_path):
    load_directory(write_dataset(tmp_path))
    change_set = ChangeSet.objects.get()
    assert (change_set.kind, change_set.reason) == (ChangeKind.LOAD, "Loaded from data/")
    for model in tracked_models():
        assert model.history.filter(change_set=change_set).count() == model.objects.count()
        assert not model.history.exclude(change_set=change_set).exists()
    network = Network.objects.get(slug="test-net")
    version = network.history.get()
    assert version.history_type == "+"
    assert list(version.sources.values_list("source__url", flat=True)) == [
        "https://net.example.org/members"
    ]
    assert change_set.summary["counts"]["networks.network"] == {"+": 2}


def test_a_second_load_writes_no_history(tmp_path):
    path = write_dataset(tmp_path)
    load_directory(path)
    rows = history_rows()
    load_directory(path)
    assert history_rows() == rows
    assert ChangeSet.objects.count() == 1


def test_a_changed_file_adds_a_version_of_the_changed_records_only(tmp_path):
    load_directory(write_dataset(tmp_path))
    edited = NETWORK.replace('start: "2009-03"', 'start: "2009-04-01"')
    load_directory(write_dataset(tmp_path, **{"networks/test-net.yaml": edited}))
    second = ChangeSet.objects.order_by("pk").last()
    assert second.summary["counts"] == {"networks.membership": {"~": 1}}
    membership = Membership.objects.get(member_institution__slug="de-supervisor")
    assert membership.history.count() == 2
    assert membership.history.latest().change_set == second
    (item,) = second.summary["items"]
    assert set(item["fields"]) == {"start_date", "start_date_precision"}


def test_a_pruned_record_is_recorded_as_deleted_and_can_be_restored(tmp_path):
    load_directory(write_dataset(tmp_path))
    without_observer = NETWORK.replace("  - network: other-net\n    role: observer\n", "")
    load_directory(
        write_dataset(tmp_path, **{"networks/test-net.yaml": without_observer}), prune=True
    )
    prune = ChangeSet.objects.order_by("pk").last()
    assert prune.summary["counts"] == {"networks.membership": {"-": 1}}
    undo_change_set(change_set=prune, reason="pruned by mistake")
    assert Membership.objects.filter(member_network__slug="other-net").exists()


def test_a_dry_run_records_nothing(tmp_path):
    load_directory(write_dataset(tmp_path), dry_run=True)
    assert not ChangeSet.objects.exists()
    assert history_rows() == 0
    assert not Institution.objects.exists()
