"""Suggestions from Wikidata (#19 part 3): the command proposes from a dump or a SPARQL
result and writes no record; a curator accepts (a sourced record, in the change history,
undoable) or rejects (nothing written, never proposed again).

The files in wikidata/ are synthetic test fixtures (see wikidata/README.md), and so is
the directory built here."""

import bz2
import datetime
import gzip
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation.models import Suggestion, SuggestionKind, SuggestionStatus
from curation.wikidata import (
    SuggestionRefused,
    WikidataFileError,
    accept_suggestion,
    read_file,
    reject_suggestion,
)
from institutions.models import (
    Branch,
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    Jurisdiction,
)
from networks.models import Membership, Network
from sources.models import ChangeKind, ChangeSet, Source
from sources.partial_dates import DatePrecision
from sources.services import undo_change_set
from tests.factories import make_institution, make_jurisdiction, make_network

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]

FIXTURES = Path(__file__).parent / "wikidata"
DUMP = FIXTURES / "members-dump.json"
SPARQL = FIXTURES / "members-sparql.json"
AS_OF = "2026-11-30"
D = datetime.date
PASSWORD = "a-long-test-password"


@pytest.fixture
def directory():
    """A synthetic directory: two networks with (synthetic) QIDs, an institution with
    the QID of one item, and one named like another item."""
    make_jurisdiction()
    network = make_network(name="Synthetic Supervisors Network", wikidata_id="Q999999951")
    make_network(name="Other Synthetic Network", wikidata_id="Q999999952")
    central_bank = make_institution(name="Synthetic Central Bank", branch=Branch.CENTRAL_BANK)
    InstitutionIdentifier.objects.create(
        institution=central_bank, scheme=IdentifierScheme.WIKIDATA, identifier="Q999999903"
    )
    commission = make_institution(name="Synthetic  securities commission")  # normalised
    return {"network": network, "central_bank": central_bank, "commission": commission}


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Institution,
            InstitutionIdentifier,
            Network,
            Membership,
            Source,
            ChangeSet,
        )
    }


def suggest(*files, **options) -> str:
    out = io.StringIO()
    call_command("suggest_from_wikidata", *map(str, files), as_of=AS_OF, stdout=out, **options)
    return out.getvalue()


def proposed() -> set[tuple]:
    return {
        (
            s.kind,
            s.entity,
            s.network_entity,
            s.start_date and s.start_date.isoformat(),
            s.start_date_precision,
            s.end_date and s.end_date.isoformat(),
            s.end_date_precision,
        )
        for s in Suggestion.objects.all()
    }


def test_it_proposes_from_a_dump_and_writes_no_record(directory):
    before = counts()
    out = suggest(DUMP)
    assert counts() == before
    assert proposed() == {
        # Unknown to the directory, member of a network it has: a candidate institution.
        ("institution", "Q999999901", "", None, "day", None, "day"),
        ("membership", "Q999999901", "Q999999951", "2004-01-01", "year", None, "day"),
        # Named like an institution without a QID: the QID, and the membership.
        ("identifier", "Q999999902", "", None, "day", None, "day"),
        ("membership", "Q999999902", "Q999999951", "2010-03-01", "month", "2015-06-30", "day"),
        # Known by its QID; a century-precision start is not kept; deprecated: left out.
        ("membership", "Q999999903", "Q999999951", None, "day", None, "day"),
    }
    new = Suggestion.objects.get(kind=SuggestionKind.INSTITUTION)
    assert new.label == "Synthetic Banking Authority"
    assert new.website == "https://banking-authority.example.org/"
    assert new.source_url == "https://www.wikidata.org/wiki/Q999999901"
    assert new.as_of == D(2026, 11, 30)
    assert new.file_name == "members-dump.json"
    identifier = Suggestion.objects.get(kind=SuggestionKind.IDENTIFIER)
    assert identifier.institution == directory["commission"]
    central = Suggestion.objects.get(entity="Q999999903")
    assert central.institution == directory["central_bank"]
    assert central.note == "P580 not kept: known only to a decade or less precisely"
    assert central.statement == "Q999999903$00000000-0000-4000-8000-000000000005"
    assert "members-dump.json (3 items with P463" in out
    assert "Proposed: 1 New institution, 1 Wikidata QID of an institution, 3 Membership" in out


def test_it_proposes_from_a_sparql_result_without_repeating_the_dump(directory):
    suggest(DUMP)
    before = counts()
    out = suggest(SPARQL)
    assert counts() == before
    assert Suggestion.objects.count() == 7  # five from the dump, two from the result
    new = Suggestion.objects.filter(entity="Q999999905")
    assert {(s.kind, s.start_date, s.start_date_precision) for s in new} == {
        ("institution", None, "day"),
        ("membership", D(2001, 1, 1), DatePrecision.YEAR),
    }
    assert new.get(kind="membership").statement.endswith(
        "Q999999905-00000000-0000-4000-8000-000000000007"
    )
    # The Securities Commission's QID and membership are the dump's, found again.
    assert "2 already proposed" in out


def test_running_twice_proposes_nothing_new(directory):
    suggest(DUMP, SPARQL)
    first = proposed()
    out = suggest(DUMP, SPARQL)
    assert proposed() == first
    assert Suggestion.objects.count() == 7
    assert "Proposed: 0 New institution, 0 Wikidata QID of an institution, 0 Membership" in out


def test_a_dry_run_writes_nothing(directory):
    out = suggest(DUMP, dry_run=True)
    assert not Suggestion.objects.exists()
    assert "Would propose: 1 New institution" in out


def test_it_leaves_out_memberships_the_directory_has(directory):
    Membership.objects.create(
        network=directory["network"], member_institution=directory["central_bank"]
    )
    suggest(DUMP)
    assert not Suggestion.objects.filter(entity="Q999999903").exists()


def curator() -> User:
    user = User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


def test_accepting_a_membership_writes_it_with_its_source_and_history_and_undo_removes_it(
    directory,
):
    suggest(DUMP)
    suggestion = Suggestion.objects.get(kind=SuggestionKind.MEMBERSHIP, entity="Q999999903")
    user = curator()
    before = counts()
    change_set = accept_suggestion(suggestion=suggestion, user=user)

    membership = Membership.objects.get(
        network=directory["network"], member_institution=directory["central_bank"]
    )
    assert (membership.start_date, membership.end_date) == (None, None)
    [source] = membership.sources.all()
    assert source.url == "https://www.wikidata.org/wiki/Q999999903"
    assert (source.as_of, source.accessed_on) == (D(2026, 11, 30), D(2026, 11, 30))
    assert source.publisher == "Wikidata"
    assert change_set.kind == ChangeKind.EDIT
    assert change_set.source == source
    assert change_set.user == user
    assert "Wikidata" in change_set.reason
    assert change_set.summary["counts"]["networks.membership"] == {"+": 1}
    assert membership.history.get().change_set == change_set
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert (suggestion.decided_by, suggestion.change_set) == (user, change_set)

    undo_change_set(change_set=change_set, user=user)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # The source stays: the change set rests on it (as for an undone list import).
    after_undo = counts()
    assert after_undo["Membership"] == before["Membership"]
    assert after_undo["Source"] == before["Source"] + 1
    suggestion.refresh_from_db()
    assert suggestion.undone
    # Undone is not rejected, and not pending either: the next run leaves it be.
    suggest(DUMP)
    assert Suggestion.objects.filter(entity="Q999999903").count() == 1


def test_dates_are_as_precise_as_wikidata_says(directory):
    suggest(DUMP)
    suggestion = Suggestion.objects.get(kind=SuggestionKind.MEMBERSHIP, entity="Q999999902")
    # Matched by name only: not a member until a curator accepts that it is the item.
    with pytest.raises(SuggestionRefused, match="not in the directory yet"):
        accept_suggestion(suggestion=suggestion)
    accept_suggestion(
        suggestion=Suggestion.objects.get(kind=SuggestionKind.IDENTIFIER), user=curator()
    )
    accept_suggestion(suggestion=suggestion)
    membership = Membership.objects.get(member_institution=directory["commission"])
    assert (membership.start_date, membership.start_date_precision) == (D(2010, 3, 1), "month")
    assert (membership.end_date, membership.end_date_precision) == (D(2015, 6, 30), "day")
    assert membership.start_display == "March 2010"


def test_a_new_institution_is_accepted_once_a_curator_completes_it_and_then_its_membership(
    directory,
):
    suggest(DUMP)
    new = Suggestion.objects.get(kind=SuggestionKind.INSTITUTION, entity="Q999999901")
    membership = Suggestion.objects.get(kind=SuggestionKind.MEMBERSHIP, entity="Q999999901")
    before = counts()
    with pytest.raises(SuggestionRefused, match="not in the directory yet"):
        accept_suggestion(suggestion=membership)
    with pytest.raises(SuggestionRefused, match="branch, jurisdiction"):
        accept_suggestion(suggestion=new)
    assert counts() == before
    new.jurisdiction = Jurisdiction.objects.get(code="DE")
    new.branch = Branch.REGULATOR
    new.save()
    change_set = accept_suggestion(suggestion=new)
    institution = Institution.objects.get(slug="de-synthetic-banking-authority")
    assert institution.name == "Synthetic Banking Authority"
    assert institution.website == "https://banking-authority.example.org/"
    assert institution.wikidata_ids() == ["Q999999901"]
    assert [s.url for s in institution.sources.all()] == [
        "https://www.wikidata.org/wiki/Q999999901"
    ]
    assert set(change_set.summary["counts"]) == {
        "sources.source",
        "institutions.institution",
        "institutions.institutionidentifier",
    }
    accept_suggestion(suggestion=membership)
    held = Membership.objects.get(member_institution=institution)
    assert (held.start_date, held.start_date_precision) == (D(2004, 1, 1), "year")
    assert held.start_display == "2004"


def test_undoing_an_accepted_institution_removes_it_and_its_qid(directory):
    suggest(DUMP)
    new = Suggestion.objects.get(kind=SuggestionKind.INSTITUTION)
    new.jurisdiction, new.branch = Jurisdiction.objects.get(code="DE"), Branch.REGULATOR
    new.save()
    change_set = accept_suggestion(suggestion=new)
    undo_change_set(change_set=change_set)
    assert not Institution.objects.filter(name="Synthetic Banking Authority").exists()
    assert not InstitutionIdentifier.objects.filter(identifier="Q999999901").exists()


def test_rejecting_writes_nothing_and_is_not_proposed_again(directory):
    suggest(DUMP)
    suggestion = Suggestion.objects.get(kind=SuggestionKind.IDENTIFIER)
    before = counts()
    reject_suggestion(suggestion=suggestion, user=curator())
    assert counts() == before
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED
    suggest(DUMP)
    assert Suggestion.objects.filter(kind=SuggestionKind.IDENTIFIER).count() == 1
    with pytest.raises(SuggestionRefused, match="already rejected"):
        accept_suggestion(suggestion=suggestion)
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "names"),
    [
        (
            "bad-dump.json",
            ["bad-dump.json", "Q999999906", "line 3", "P463's value must be an item"],
        ),
        ("bad-sparql.json", ["bad-sparql.json", "Q999999905", "result 1", "startPrecision"]),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_the_item_and_nothing_is_written(
    directory, name, names
):
    before = counts()
    # A good file given with a bad one is not proposed either.
    with pytest.raises(CommandError) as refused:
        suggest(DUMP, FIXTURES / name)
    for part in names:
        assert part in str(refused.value)
    assert counts() == before
    assert not Suggestion.objects.exists()


def test_a_file_that_is_not_json_is_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"head": {"vars": []}, "results": {"bindings": [}\n')
    with pytest.raises(WikidataFileError, match=r"broken\.json: line 1: not JSON"):
        read_file(broken)


# --- The admin's review queue ------------------------------------------------------------


@pytest.fixture
def signed_in(client, directory):
    user = curator()
    client.force_login(user)
    suggest(DUMP)
    return user


def test_curators_see_the_queue_filtered_by_kind_and_status(client, signed_in):
    url = reverse("admin:curation_suggestion_changelist")
    response = client.get(url, {"kind__exact": "membership", "status__exact": "pending"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3
    assert client.get(url, {"kind__exact": "identifier"}).context["cl"].result_count == 1


def test_staff_outside_the_curators_see_no_queue(client, directory):
    client.force_login(User.objects.create_user("staff", password=PASSWORD, is_staff=True))
    assert client.get(reverse("admin:curation_suggestion_changelist")).status_code == 403


def test_the_accept_button_writes_the_record_in_a_change_set(client, signed_in):
    suggestion = Suggestion.objects.get(kind=SuggestionKind.MEMBERSHIP, entity="Q999999903")
    url = reverse("admin:curation_suggestion_change", args=[suggestion.pk])
    page = client.get(url)
    assert b'name="_accept"' in page.content and b'name="_reject"' in page.content
    response = client.post(url, {"_accept": "Accept"}, follow=True)
    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.change_set.user == signed_in
    assert Membership.objects.filter(sources__url=suggestion.source_url).exists()
    assert b'name="_accept"' not in client.get(url).content


def test_the_change_form_completes_a_new_institution_and_accepts_it(client, signed_in):
    suggestion = Suggestion.objects.get(kind=SuggestionKind.INSTITUTION)
    url = reverse("admin:curation_suggestion_change", args=[suggestion.pk])
    de = Jurisdiction.objects.get(code="DE")
    form = client.get(url)
    assert form.status_code == 200
    assert b'name="branch"' in form.content and b'name="jurisdiction"' in form.content
    response = client.post(
        url,
        {"_accept": "Accept", "jurisdiction": de.pk, "branch": "regulator", "level": ""},
        follow=True,
    )
    assert response.status_code == 200
    institution = Institution.objects.get(identifiers__identifier="Q999999901")
    assert (institution.jurisdiction, institution.branch) == (de, "regulator")


def test_the_actions_accept_and_reject_the_selected(client, signed_in):
    url = reverse("admin:curation_suggestion_changelist")
    identifier = Suggestion.objects.get(kind=SuggestionKind.IDENTIFIER)
    new = Suggestion.objects.get(kind=SuggestionKind.INSTITUTION)
    client.post(url, {"action": "accept_selected", "_selected_action": [identifier.pk]})
    client.post(url, {"action": "reject_selected", "_selected_action": [new.pk]})
    identifier.refresh_from_db()
    new.refresh_from_db()
    assert identifier.status == SuggestionStatus.ACCEPTED
    assert new.status == SuggestionStatus.REJECTED
    assert not Institution.objects.filter(name="Synthetic Banking Authority").exists()
    assert InstitutionIdentifier.objects.filter(identifier="Q999999902").exists()


def test_the_queue_costs_the_same_queries_however_long(client, signed_in):
    url = reverse("admin:curation_suggestion_changelist")
    client.get(url)  # the session and the content types, once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    accept_suggestion(
        suggestion=Suggestion.objects.get(kind=SuggestionKind.MEMBERSHIP, entity="Q999999903"),
        user=signed_in,
    )
    few = queries()
    suggest(SPARQL)  # two more rows, a new item and a membership
    assert queries() == few


def test_the_reject_button_writes_nothing(client, signed_in):
    suggestion = Suggestion.objects.get(kind=SuggestionKind.IDENTIFIER)
    before = counts()
    url = reverse("admin:curation_suggestion_change", args=[suggestion.pk])
    assert client.post(url, {"_reject": "Reject"}, follow=True).status_code == 200
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (SuggestionStatus.REJECTED, signed_in)
    assert counts() == before


def dump_entities() -> list[dict]:
    return [json.loads(line.rstrip(",\n")) for line in DUMP.read_text().splitlines()[1:-1]]


@pytest.mark.parametrize(
    ("file_name", "write"),
    [
        # Compressed, as Wikimedia publishes the dumps.
        ("latest.json.gz", lambda p: p.write_bytes(gzip.compress(DUMP.read_bytes()))),
        ("latest.json.bz2", lambda p: p.write_bytes(bz2.compress(DUMP.read_bytes()))),
        # A list laid out otherwise, and Special:EntityData's shape.
        ("indented.json", lambda p: p.write_text(json.dumps(dump_entities(), indent=2))),
        (
            "entity-data.json",
            lambda p: p.write_text(json.dumps({"entities": {e["id"]: e for e in dump_entities()}})),
        ),
    ],
)
def test_other_layouts_of_a_dump_read_the_same(tmp_path, file_name, write):
    path = tmp_path / file_name
    write(path)
    assert read_file(path) == read_file(DUMP)
    assert [item.qid for item in read_file(DUMP)] == ["Q999999901", "Q999999902", "Q999999903"]


def test_a_curator_accepts_then_undoes_through_the_admin(client, signed_in):
    suggestion = Suggestion.objects.get(kind=SuggestionKind.MEMBERSHIP, entity="Q999999903")
    url = reverse("admin:curation_suggestion_change", args=[suggestion.pk])
    client.post(url, {"_accept": "Accept"})
    suggestion.refresh_from_db()
    membership = Membership.objects.get(sources__url=suggestion.source_url)
    history = client.get(reverse("admin:sources_changeset_change", args=[suggestion.change_set.pk]))
    assert history.status_code == 200
    undo_url = reverse("admin:sources_changeset_undo", args=[suggestion.change_set.pk])
    assert client.get(undo_url).context["plan"].deletes == 1  # the membership; its source stays
    response = client.post(undo_url, {"change_reason": "Wikidata was wrong about this one"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    undo = ChangeSet.objects.get(kind=ChangeKind.UNDO)
    assert undo.undoes == suggestion.change_set
    assert "Accepted, then undone." in client.get(url).content.decode()


def entity(qid: str, label: str, *, network: str = "Q999999951", end=None, website=None):
    """A synthetic dump entity (Wikidata's JSON layout) with one P463 statement."""
    statement = {
        "id": f"{qid}$synthetic",
        "rank": "normal",
        "mainsnak": {
            "snaktype": "value",
            "property": "P463",
            "datavalue": {"type": "wikibase-entityid", "value": {"id": network}},
        },
    }
    if end is not None:
        statement["qualifiers"] = {"P582": [end]}
    claims = {"P463": [statement]}
    if website:
        claims["P856"] = [
            {
                "rank": "normal",
                "mainsnak": {
                    "snaktype": "value",
                    "property": "P856",
                    "datavalue": {"type": "string", "value": website},
                },
            }
        ]
    return {"id": qid, "type": "item", "labels": {"ru": {"value": label}}, "claims": claims}


def write_dump(tmp_path, *entities) -> Path:
    path = tmp_path / "synthetic-dump.json"
    path.write_text("[\n" + ",\n".join(json.dumps(e) for e in entities) + "\n]\n")
    return path


def test_a_label_in_another_script_is_matched_by_its_letters_not_to_every_such_name(
    directory, tmp_path
):
    bank = make_institution(name="Synthetic Bank of Russia")
    bank.other_names.create(name="Банк России (синтетический)", language="ru")
    suggest(write_dump(tmp_path, entity("Q999999971", "Министерство финансов")))
    # Not this bank's QID (their names share no letter), but a new institution.
    assert not Suggestion.objects.filter(institution=bank).exists()
    assert Suggestion.objects.get(kind=SuggestionKind.INSTITUTION).entity == "Q999999971"
    Suggestion.objects.all().delete()
    suggest(write_dump(tmp_path, entity("Q999999972", "Банк России (синтетический)")))
    assert Suggestion.objects.get(kind=SuggestionKind.IDENTIFIER).institution == bank


def test_a_membership_whose_end_is_not_kept_is_not_proposed_as_current(directory, tmp_path):
    unknown_end = {"snaktype": "somevalue", "property": "P582"}
    vague_end = {
        "snaktype": "value",
        "property": "P582",
        "datavalue": {
            "type": "time",
            "value": {
                "time": "+1990-00-00T00:00:00Z",
                "precision": 8,  # a decade
                "calendarmodel": "http://www.wikidata.org/entity/Q1985727",
            },
        },
    }
    central_bank = directory["central_bank"]
    dump = write_dump(
        tmp_path,
        entity("Q999999903", "Synthetic Central Bank", end=unknown_end),
        entity("Q999999903", "Synthetic Central Bank", network="Q999999952", end=vague_end),
    )
    output = suggest(dump)
    assert not Suggestion.objects.filter(
        kind=SuggestionKind.MEMBERSHIP, institution=central_bank
    ).exists()
    assert "ended on a date not kept" in output


def test_a_website_too_long_to_keep_is_left_out(directory, tmp_path):
    long_url = "https://example.org/" + "a" * 600
    suggest(write_dump(tmp_path, entity("Q999999973", "Synthetic Agency", website=long_url)))
    assert Suggestion.objects.get(kind=SuggestionKind.INSTITUTION).website == ""


def test_proposing_costs_the_same_queries_for_few_and_many_items(directory, tmp_path):
    for i in range(9):  # matched by name: each statement is checked against the directory
        make_institution(name=f"Synthetic Agency {i}")

    def queries(n: int) -> int:
        Suggestion.objects.all().delete()
        dump = write_dump(
            tmp_path, *(entity(f"Q99999980{i}", f"Synthetic Agency {i}") for i in range(n))
        )
        with CaptureQueriesContext(connection) as captured:
            suggest(dump)
        assert Suggestion.objects.filter(kind=SuggestionKind.MEMBERSHIP).count() == n
        return len(captured)

    assert queries(2) == queries(9)
