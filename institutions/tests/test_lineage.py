"""Lineage (issue #14): successions between institutions and between networks."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from institutions.models import InstitutionSuccession
from institutions.services import merge_institutions
from networks.models import NetworkSuccession
from sources.models import Lineage, SuccessionKind
from tests.factories import make_institution, make_network, make_succession

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_body_cannot_succeed_itself():
    body = make_institution()
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionSuccession.objects.create(
            predecessor=body, successor=body, kind=SuccessionKind.RENAMED
        )
    network = make_network()
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkSuccession.objects.create(
            predecessor=network, successor=network, kind=SuccessionKind.REPLACED_BY
        )


@pytest.mark.parametrize(
    ("has_predecessor", "former_name", "kind"),
    [
        (False, "", SuccessionKind.RENAMED),  # neither
        (True, "Old name", SuccessionKind.RENAMED),  # both
        (False, "Old name", SuccessionKind.MERGED_INTO),  # a former name is for renamings
    ],
)
def test_a_succession_has_a_predecessor_or_a_former_name(has_predecessor, former_name, kind):
    successor = make_institution()
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionSuccession.objects.create(
            predecessor=make_institution() if has_predecessor else None,
            successor=successor,
            former_name=former_name,
            kind=kind,
        )


def test_a_succession_is_recorded_once():
    old, new = make_institution(), make_institution()
    make_succession(predecessor=old, successor=new)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_succession(predecessor=old, successor=new, kind=SuccessionKind.ABSORBED_BY)


def test_the_lineage_says_which_body_existed_on_a_date():
    fsa = make_institution(name="Old Authority", dissolved_on=D(2013, 4, 1))
    fca = make_institution(
        name="New Authority", founded_on=D(2013, 1, 1), founded_on_precision="year"
    )
    split = make_succession(
        predecessor=fsa, successor=fca, kind=SuccessionKind.SPLIT_INTO, date=D(2013, 4, 1)
    )
    renaming = make_succession(successor=fca, former_name="Interim Authority", date=D(2014, 1, 1))
    lineage = Lineage(fca, InstitutionSuccession.objects.lineage_of(fca))
    assert lineage.predecessors == [split, renaming] and lineage.successors == []

    before = lineage.on(D(2005, 6, 1))
    assert not before.existed and before.existing == [fsa]
    during = lineage.on(D(2013, 6, 1))
    assert during.existed and during.name == "Interim Authority"
    assert lineage.on(D(2020, 1, 1)).name == "New Authority"
    # From the predecessor's side: succeeded by.
    theirs = Lineage(fsa, InstitutionSuccession.objects.lineage_of(fsa))
    assert theirs.successors == [split] and theirs.predecessors == []
    assert theirs.on(D(2015, 1, 1)).existing == [fca]


def test_the_lineage_reads_as_org_change_events_in_json_ld():
    old, new = make_network(name="Forum"), make_network(name="Board")
    make_succession(predecessor=old, successor=new, date=D(2009, 1, 1), date_precision="year")
    lineage = Lineage(new, NetworkSuccession.objects.lineage_of(new))
    data = lineage.json_ld(lambda path: f"https://lattice.test{path}")
    (event,) = data["http://www.w3.org/ns/org#resultedFrom"]
    assert event["@type"] == "http://www.w3.org/ns/org#ChangeEvent"
    assert event["http://www.w3.org/ns/org#originalOrganization"]["name"] == "Forum"
    assert event["http://purl.org/dc/terms/date"] == "2009"


def test_a_merge_of_duplicates_moves_their_lineage_and_drops_what_joins_them():
    survivor, duplicate = make_institution(), make_institution()
    predecessor, successor = make_institution(), make_institution()
    make_succession(predecessor=predecessor, successor=duplicate)
    make_succession(predecessor=duplicate, successor=successor)
    make_succession(predecessor=survivor, successor=duplicate)  # one body now
    merge_institutions(survivor=survivor, merged=duplicate)
    pairs = set(InstitutionSuccession.objects.values_list("predecessor", "successor"))
    assert pairs == {(predecessor.pk, survivor.pk), (survivor.pk, successor.pk)}
