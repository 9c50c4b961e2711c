"""Importing official member and signatory lists: preview, validation, one-step apply."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from curation.member_lists import ActionKind, ListError, plan_member_list, read_table
from curation.services import ImportRefused, import_member_list
from institutions.models import (
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    Jurisdiction,
)
from institutions.services import merge_institutions
from networks.models import Membership, Network, Signatory
from sources.models import ChangeKind, ChangeSet, Source
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
LIST_DATE = D(2025, 6, 30)
LIST_URL = "https://network.example.org/members"


@pytest.fixture
def directory():
    """A network with four current members, one former member, and candidate members."""
    de = make_jurisdiction()
    fr = make_jurisdiction(code="FR", name="France", subregion="western_europe")
    network = make_network(slug="test-net", acronym="TN")
    bank = make_institution(name="Test Central Bank", slug="de-bank", jurisdiction=de)
    InstitutionIdentifier.objects.create(
        institution=bank, scheme=IdentifierScheme.WIKIDATA, identifier="Q100"
    )
    supervisor = make_institution(
        name="Test Supervisor", acronym="TS", slug="de-ts", jurisdiction=de
    )
    InstitutionName.objects.create(institution=supervisor, name="Testaufsicht")
    observer = make_institution(
        name="French Regulator", acronym="FR-REG", slug="fr-reg", jurisdiction=fr
    )
    leaver = make_institution(name="Leaving Authority", slug="fr-leaver", jurisdiction=fr)
    newcomer = make_institution(name="New Authority", acronym="NA", slug="fr-na", jurisdiction=fr)
    make_institution(name="Other Authority", acronym="TS", slug="fr-ts", jurisdiction=fr)
    for institution in (bank, supervisor, leaver):
        make_membership(network=network, member_institution=institution)
    make_membership(network=network, member_institution=observer, role="observer")
    make_membership(network=network, member_institution=bank, role="chair")
    return {
        "network": network,
        "bank": bank,
        "supervisor": supervisor,
        "observer": observer,
        "leaver": leaver,
        "newcomer": newcomer,
    }


def csv_table(text: str):
    return read_table("members.csv", text.encode())


LIST = """\
Member,Country,Wikidata,Acronym,Membership,Member since
Test Central Bank,DE,Q100,,Member,
Testaufsicht,DE,,,member,
French Regulator,FR,,,Member,
,FR,,NA,Observer,2025
"""


def plan(directory, text=LIST, **kwargs):
    return plan_member_list(
        target=directory["network"], table=csv_table(text), list_date=LIST_DATE, **kwargs
    )


def kinds(p) -> dict[str, str]:
    """Slug of each member -> what the list does with it."""
    return {a.member.rsplit("[", 1)[1].rstrip("]"): a.kind for a in p.actions}


def test_the_preview_says_what_each_row_would_do_and_writes_nothing(directory):
    p = plan(directory)
    assert not p.errors
    assert kinds(p) == {
        "de-bank": ActionKind.CONFIRM,
        "de-ts": ActionKind.CONFIRM,
        "fr-reg": ActionKind.ROLE,
        "fr-na": ActionKind.ADD,
        "fr-leaver": ActionKind.END,
    }
    by_row = {a.row.number: a.row.matched_by for a in p.actions if a.row}
    assert by_row == {2: "Wikidata Q100", 3: "other name", 4: "name", 5: "acronym"}
    role_change = next(a for a in p.actions if a.kind == ActionKind.ROLE)
    assert role_change.changes["role"] == ("Observer", "Member")
    assert not ChangeSet.objects.exists()
    assert Membership.objects.count() == 5


def test_offices_are_outside_a_member_list(directory):
    p = plan(directory)
    chair = Membership.objects.get(role="chair")
    assert all(a.record != chair for a in p.actions)


def test_invalid_rows_are_reported_with_row_field_and_reason(directory):
    text = """\
Member,Country,Acronym,Membership,Member since
Test Central Bank,DE,,Chair,
,,TS,Member,
Nobody Known,DE,,Member,
Test Supervisor,XX,,Member,
French Regulator,DE,,Member,
Testaufsicht,DE,,Member,03/04/2001
Test Central Bank,DE,,Member,
"""
    p = plan(directory, text)
    errors = {(e.row, e.field): e.message for e in p.errors}
    assert "office" in errors[(2, "Membership")]
    assert "matches several records" in errors[(3, "Acronym")]
    assert "no institution matches 'Nobody Known'" in errors[(4, "Member")]
    assert "unknown jurisdiction 'XX'" in errors[(5, "Country")]
    assert "belongs to FR" in errors[(6, "Country")]
    assert "is not a date" in errors[(7, "Member since")]
    assert "already on row 2" in errors[(8, "member")]
    assert not p.can_apply
    with pytest.raises(ImportRefused):
        import_member_list(
            target=directory["network"],
            table=csv_table(text),
            list_date=LIST_DATE,
            source_url=LIST_URL,
        )
    assert not ChangeSet.objects.exists()
    assert not Source.objects.filter(url=LIST_URL).exists()


def test_applying_a_list_is_one_change_set_citing_the_list(directory):
    _plan, change_set = import_member_list(
        target=directory["network"],
        table=csv_table(LIST),
        list_date=LIST_DATE,
        source_url=LIST_URL,
        source_title="Members",
        reason="Annual check of the member page",
    )
    source = Source.objects.get(url=LIST_URL)
    assert source.accessed_on == LIST_DATE
    assert (change_set.kind, change_set.source, change_set.reason) == (
        ChangeKind.IMPORT,
        source,
        "Annual check of the member page",
    )
    network = directory["network"]
    leaver = Membership.objects.get(member_institution=directory["leaver"])
    assert (leaver.end_date, leaver.end_date_precision) == (LIST_DATE, "day")
    old, new = Membership.objects.filter(member_institution=directory["observer"]).order_by("pk")
    assert (old.role, old.end_date) == ("observer", LIST_DATE)
    assert (new.role, new.start_date, new.end_date) == ("member", LIST_DATE, None)
    added = Membership.objects.get(member_institution=directory["newcomer"])
    assert (added.role, added.start_date, added.start_date_precision) == (
        "observer",
        D(2025, 1, 1),
        "year",
    )
    listed = network.memberships.filter(role__in=["member", "observer"]).current()
    assert {m.last_verified_on for m in listed} == {LIST_DATE}
    assert all(source in m.sources.all() for m in listed)
    # One history entry: every version the import wrote belongs to its change set.
    assert Membership.history.filter(change_set=change_set).count() == 6
    assert change_set.summary["counts"]["networks.membership"] == {"~": 4, "+": 2}


def test_the_same_list_applied_again_changes_nothing(directory):
    arguments = {
        "target": directory["network"],
        "table": csv_table(LIST),
        "list_date": LIST_DATE,
        "source_url": LIST_URL,
    }
    import_member_list(**arguments)
    p, change_set = import_member_list(**arguments)
    assert change_set is None
    assert {a.kind for a in p.actions} == {ActionKind.CONFIRM}


def test_members_missing_from_the_list_can_be_left_alone(directory):
    p, _change_set = import_member_list(
        target=directory["network"],
        table=csv_table(LIST),
        list_date=LIST_DATE,
        source_url=LIST_URL,
        end_missing=False,
    )
    assert kinds(p)["fr-leaver"] == ActionKind.ABSENT
    assert Membership.objects.get(member_institution=directory["leaver"]).end_date is None


def test_a_list_whose_preview_went_stale_is_refused(directory):
    previewed = plan(directory).fingerprint()
    make_membership(network=directory["network"], member_institution=make_institution())
    with pytest.raises(ImportRefused, match="changed since the preview"):
        import_member_list(
            target=directory["network"],
            table=csv_table(LIST),
            list_date=LIST_DATE,
            source_url=LIST_URL,
            expected_fingerprint=previewed,
        )


def test_a_complete_row_adds_a_new_institution(directory):
    text = LIST + "Brand New Agency,FR,Q555,BNA,Member,2024-05\n"
    text = text.replace("Member since", "Member since,Branch,Website")
    text = text.replace("2024-05\n", "2024-05,regulator,https://bna.example.org/\n")
    _p, change_set = import_member_list(
        target=directory["network"],
        table=csv_table(text),
        list_date=LIST_DATE,
        source_url=LIST_URL,
    )
    agency = Institution.objects.get(slug="fr-bna")
    assert (agency.name, agency.jurisdiction.code, agency.branch) == (
        "Brand New Agency",
        "FR",
        "regulator",
    )
    assert agency.identifiers.get().identifier == "Q555"
    assert list(agency.sources.values_list("url", flat=True)) == [LIST_URL]
    assert agency.history.get().change_set == change_set
    assert Membership.objects.get(member_institution=agency).start_date == D(2024, 5, 1)


def test_a_former_slug_matches_the_institution_it_was_merged_into(directory):
    duplicate = make_institution(
        slug="de-old-bank", jurisdiction=Jurisdiction.objects.get(code="DE")
    )
    merge_institutions(survivor=directory["bank"], merged=duplicate)
    text = "Slug,Role\nde-old-bank,member\n"
    p = plan(directory, text, end_missing=False)
    (action,) = [a for a in p.actions if a.row]
    assert action.row.member == directory["bank"]
    assert "former slug" in action.row.matched_by


def test_a_member_network_is_matched_too(directory):
    other = make_network(slug="other-net", acronym="ON", name="Other Network")
    make_membership(network=directory["network"], member_network=other)
    p = plan(directory, LIST + "Other Network,,,,Member,\n")
    assert kinds(p)["other-net"] == ActionKind.CONFIRM


def test_an_xlsx_list_is_read_with_its_row_numbers_and_dates(directory):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])  # a blank first row, as some published sheets have
    sheet.append(["Institution", "Country", "Joined"])
    sheet.append(["Test Central Bank", "DE", datetime.datetime(1974, 12, 1)])
    sheet.append(["Unknown Body", "DE", 1990])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table("members.xlsx", buffer.getvalue())
    assert table.headers == ["Institution", "Country", "Joined"]
    p = plan_member_list(
        target=directory["network"], table=table, list_date=LIST_DATE, end_missing=False
    )
    update = next(a for a in p.actions if a.row and a.row.number == 3)
    assert update.kind == ActionKind.UPDATE
    assert update.changes["start_date"][0] == ""
    assert "1974" in update.changes["start_date"][1]
    assert [(e.row, e.field) for e in p.errors] == [(4, "Institution")]


def test_a_file_that_is_not_a_list_is_refused():
    with pytest.raises(ListError):
        read_table("members.pdf", b"%PDF-1.4")
    with pytest.raises(ListError):
        read_table("members.xlsx", b"PK\x03\x04 not really a workbook")
    with pytest.raises(ListError):
        read_table("members.csv", b"\n\n")


def test_a_signatory_list_adds_withdraws_and_changes_tiers():
    memorandum = make_memorandum(slug="test-mou")
    a = make_institution(name="Alpha Commission", slug="de-alpha")
    b = make_institution(name="Beta Commission", slug="de-beta")
    c = make_institution(name="Gamma Commission", slug="de-gamma")
    make_signatory(memorandum=memorandum, institution=a, tier="Appendix B")
    make_signatory(memorandum=memorandum, institution=b, tier="Appendix A")
    text = (
        "Signatory,Appendix,Date signed\n"
        "Alpha Commission,Appendix A,\n"
        "Gamma Commission,Appendix A,2024-02-01\n"
    )
    p, change_set = import_member_list(
        target=memorandum,
        table=csv_table(text),
        list_date=LIST_DATE,
        source_url="https://mou.example.org/signatories",
    )
    assert kinds(p) == {
        "de-alpha": ActionKind.UPDATE,
        "de-gamma": ActionKind.ADD,
        "de-beta": ActionKind.WITHDRAW,
    }
    assert Signatory.objects.get(institution=a).tier == "Appendix A"
    assert Signatory.objects.get(institution=b).withdrawn_on == LIST_DATE
    assert Signatory.objects.get(institution=c).signed_on == D(2024, 2, 1)
    assert change_set.source.url == "https://mou.example.org/signatories"


def test_the_command_prints_the_changes_and_applies_them(directory, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text(LIST)
    call_command("import_members", "test-net", str(path), "--source", LIST_URL, "--dry-run")
    out = capsys.readouterr().out
    assert "row 5: Add: New Authority (NA) [fr-na] (matched by acronym)" in out
    assert "Dry run, nothing written" in out
    assert not ChangeSet.objects.exists()

    call_command(
        "import_members", "test-net", str(path), "--source", LIST_URL, "--date", "2025-06-30"
    )
    assert "Applied as change set" in capsys.readouterr().out
    assert ChangeSet.objects.get().source.url == LIST_URL
    assert Network.objects.get(slug="test-net").memberships.count() == 7


def test_the_command_refuses_a_list_with_invalid_rows(directory, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text("Member,Membership\nNobody Known,Member\n")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_members", "test-net", str(path), "--source", LIST_URL)
    assert "row 2: Member: no institution matches" in capsys.readouterr().err
    assert not ChangeSet.objects.exists()


def test_the_command_maps_columns(directory, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text("Authority of record;Status\nTest Central Bank;Member\n")
    call_command(
        "import_members",
        "test-net",
        str(path),
        "--source",
        LIST_URL,
        "--column",
        "name=Authority of record",
        "--column",
        "role=Status",
        "--keep-missing",
        "--dry-run",
    )
    assert "row 2: Unchanged (confirmed): Test Central Bank" in capsys.readouterr().out
