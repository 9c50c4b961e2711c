"""The read-replica router (ops/routers.py), turned on by DATABASE_REPLICA_URLS."""

import pytest
from django.db import transaction

from institutions.models import Institution
from ops.routers import ReplicaRouter, use_primary


@pytest.fixture
def replicas(monkeypatch):
    monkeypatch.setattr("ops.routers.replica_aliases", lambda: ["replica_0", "replica_1"])


def test_without_replicas_everything_uses_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Institution) == "default"
    assert router.db_for_write(Institution) == "default"


def test_reads_go_to_the_replicas_and_writes_to_the_primary(replicas):
    router = ReplicaRouter()
    reads = {router.db_for_read(Institution) for _ in range(50)}
    assert reads == {"replica_0", "replica_1"}
    assert router.db_for_write(Institution) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(replicas):
    with transaction.atomic():
        assert ReplicaRouter().db_for_read(Institution) == "default"


def test_use_primary_pins_reads_to_the_primary(replicas):
    with use_primary():
        assert ReplicaRouter().db_for_read(Institution) == "default"
    assert ReplicaRouter().db_for_read(Institution) != "default"


def test_migrations_run_on_the_primary_only(replicas):
    router = ReplicaRouter()
    assert router.allow_migrate("default", "institutions")
    assert not router.allow_migrate("replica_0", "institutions")
    assert router.allow_relation(Institution(), Institution())


def test_settings_turn_the_router_on_from_the_environment(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgres://u@replica1:5432/l,postgres://u@replica2:5432/l"
    )
    try:
        reloaded = importlib.reload(config.settings)
        assert set(reloaded.DATABASES) >= {"default", "replica_0", "replica_1"}
        assert reloaded.DATABASES["replica_1"]["HOST"] == "replica2"
        assert reloaded.DATABASES["replica_0"]["TEST"] == {"MIRROR": "default"}
        assert reloaded.DATABASE_ROUTERS == ["ops.routers.ReplicaRouter"]
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URLS")
        importlib.reload(config.settings)
