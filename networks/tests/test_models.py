import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.forms import modelform_factory

from networks.models import (
    Meeting,
    MeetingKind,
    Membership,
    Memorandum,
    Network,
    Role,
    Signatory,
)
from sources.models import Source
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
    make_source,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def assert_refused_by_database(create, count_model):
    """The database itself refuses the row, and nothing is left half-written."""
    before = count_model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
    assert count_model.objects.count() == before


class TestMembershipConstraints:
    def test_it_rejects_a_membership_with_two_members(self):
        network, member_network = make_network(), make_network()
        membership = Membership(
            network=network, member_institution=make_institution(), member_network=member_network
        )
        with pytest.raises(ValidationError) as excinfo:
            membership.full_clean(exclude=["sources"])
        assert "exactly one member" in str(excinfo.value)
        assert_refused_by_database(membership.save, Membership)

    def test_it_rejects_a_membership_with_no_member(self):
        membership = Membership(network=make_network())
        with pytest.raises(ValidationError) as excinfo:
            membership.full_clean(exclude=["sources"])
        assert "exactly one member" in str(excinfo.value)
        assert_refused_by_database(membership.save, Membership)

    def test_a_network_can_be_a_member_of_another(self):
        fsb, iosco = make_network(acronym="FSB"), make_network(acronym="IOSCO")
        membership = make_membership(network=fsb, member_network=iosco)
        membership.full_clean()
        assert membership.member == iosco
        assert list(iosco.memberships_as_member.all()) == [membership]

    def test_a_network_cannot_be_its_own_member(self):
        network = make_network()
        membership = Membership(network=network, member_network=network)
        with pytest.raises(ValidationError):
            membership.full_clean(exclude=["sources"])
        assert_refused_by_database(membership.save, Membership)

    def test_it_rejects_a_membership_ending_before_it_starts(self):
        membership = Membership(
            network=make_network(),
            member_institution=make_institution(),
            start_date=D(2010, 5, 1),
            end_date=D(2009, 5, 1),
        )
        with pytest.raises(ValidationError) as excinfo:
            membership.full_clean(exclude=["sources"])
        assert "A membership cannot end before it starts." in str(excinfo.value)
        assert_refused_by_database(membership.save, Membership)

    def test_it_rejects_a_duplicate_current_membership(self):
        existing = make_membership()
        duplicate = Membership(
            network=existing.network,
            member_institution=existing.member_institution,
            role=existing.role,
        )
        with pytest.raises(ValidationError) as excinfo:
            duplicate.full_clean(exclude=["sources"])
        assert "already holds this role" in str(excinfo.value)
        assert_refused_by_database(duplicate.save, Membership)

    def test_it_rejects_a_duplicate_membership_with_the_same_start(self):
        existing = make_membership(start_date=D(2001, 1, 1), end_date=D(2005, 1, 1))
        duplicate = Membership(
            network=existing.network,
            member_institution=existing.member_institution,
            role=existing.role,
            start_date=D(2001, 1, 1),
            end_date=D(2003, 1, 1),
        )
        assert_refused_by_database(duplicate.save, Membership)

    def test_it_rejects_overlapping_periods_in_the_same_role(self):
        existing = make_membership(start_date=D(2001, 1, 1), end_date=D(2005, 12, 31))
        overlapping = Membership(
            network=existing.network,
            member_institution=existing.member_institution,
            role=existing.role,
            start_date=D(2004, 1, 1),
        )
        with pytest.raises(ValidationError) as excinfo:
            overlapping.full_clean(exclude=["sources"])
        assert "overlaps" in str(excinfo.value)

    def test_a_member_may_rejoin_after_leaving(self):
        existing = make_membership(
            start_date=D(2001, 1, 1), end_date=D(2005, 12, 31), end_reason="suspended"
        )
        rejoined = Membership(
            network=existing.network,
            member_institution=existing.member_institution,
            role=existing.role,
            start_date=D(2008, 3, 1),
        )
        rejoined.full_clean(exclude=["sources"])
        rejoined.save()

    def test_a_member_may_hold_two_roles(self):
        existing = make_membership()
        chair = Membership(
            network=existing.network,
            member_institution=existing.member_institution,
            role=Role.CHAIR,
        )
        chair.full_clean(exclude=["sources"])
        chair.save()

    def test_an_end_reason_needs_an_end_date(self):
        membership = Membership(
            network=make_network(), member_institution=make_institution(), end_reason="expelled"
        )
        assert_refused_by_database(membership.save, Membership)

    def test_a_year_only_start_must_be_stored_as_the_first_of_january(self):
        membership = Membership(
            network=make_network(),
            member_institution=make_institution(),
            start_date=D(2009, 6, 1),
            start_date_precision="year",
        )
        with pytest.raises(ValidationError):
            membership.full_clean(exclude=["sources"])
        assert_refused_by_database(membership.save, Membership)

    def test_a_membership_needs_a_source_in_forms(self):
        form_class = modelform_factory(
            Membership, fields=["network", "member_institution", "role", "sources"]
        )
        data = {
            "network": make_network().pk,
            "member_institution": make_institution().pk,
            "role": "member",
        }
        form = form_class(data=data)
        assert not form.is_valid()
        assert form.errors["sources"] == ["This field is required."]
        assert form_class(data=data | {"sources": [make_source().pk]}).is_valid()

    def test_a_failed_write_leaves_nothing_behind(self):
        network, institution = make_network(), make_institution()
        sources_before = Source.objects.count()
        with pytest.raises(IntegrityError), transaction.atomic():
            source = make_source()
            Membership.objects.create(
                network=network,
                member_institution=institution,
                start_date=D(2010, 1, 1),
                end_date=D(2000, 1, 1),
            ).sources.add(source)
        assert Source.objects.count() == sources_before
        assert not Membership.objects.exists()

    def test_members_and_networks_in_use_cannot_be_deleted(self):
        membership = make_membership()
        with pytest.raises(ProtectedError):
            membership.member_institution.delete()
        with pytest.raises(ProtectedError):
            membership.network.delete()


class TestAsOf:
    @pytest.fixture
    def network(self):
        return make_network()

    def member(self, network, **kwargs):
        return make_membership(network=network, **kwargs).member_institution

    def test_as_of_includes_both_boundary_days(self, network):
        member = self.member(network, start_date=D(2009, 3, 13), end_date=D(2014, 6, 30))
        assert list(network.memberships.as_of(D(2009, 3, 12))) == []
        assert network.memberships.as_of(D(2009, 3, 13)).get().member_institution == member
        assert network.memberships.as_of(D(2014, 6, 30)).get().member_institution == member
        assert list(network.memberships.as_of(D(2014, 7, 1))) == []

    def test_a_year_only_end_covers_the_whole_year(self, network):
        self.member(
            network,
            start_date=D(2000, 1, 1),
            start_date_precision="year",
            end_date=D(2012, 1, 1),
            end_date_precision="year",
        )
        assert network.memberships.as_of(D(2012, 12, 31)).exists()
        assert not network.memberships.as_of(D(2013, 1, 1)).exists()
        assert network.memberships.as_of(D(2000, 1, 1)).exists()
        assert not network.memberships.as_of(D(1999, 12, 31)).exists()

    def test_a_month_only_end_covers_the_whole_month(self, network):
        self.member(
            network, start_date=D(2000, 1, 1), end_date=D(2012, 3, 1), end_date_precision="month"
        )
        assert network.memberships.as_of(D(2012, 3, 31)).exists()
        assert not network.memberships.as_of(D(2012, 4, 1)).exists()

    def test_an_unknown_start_counts_as_held_before_the_end(self, network):
        self.member(network, end_date=D(2023, 2, 24), end_reason="suspended")
        assert network.memberships.as_of(D(1990, 1, 1)).exists()
        assert not network.memberships.as_of(D(2023, 2, 25)).exists()

    def test_current_and_ended(self, network):
        today = datetime.date.today()
        current = self.member(network, start_date=D(2000, 1, 1))
        former = self.member(
            network, start_date=D(2000, 1, 1), end_date=D(2020, 12, 31), end_reason="withdrawn"
        )
        future = self.member(network, start_date=today + datetime.timedelta(days=30))
        assert [m.member_institution for m in network.memberships.current()] == [current]
        assert [m.member_institution for m in network.memberships.ended()] == [former]
        assert future not in [m.member_institution for m in network.memberships.ended()]

    def test_with_member_counts_counts_members_on_the_date(self, network):
        self.member(network, start_date=D(2000, 1, 1))
        self.member(network, start_date=D(2010, 1, 1))
        self.member(network, start_date=D(2000, 1, 1), end_date=D(2005, 1, 1))
        empty = make_network()
        counts = {n.pk: n.member_count for n in Network.objects.with_member_counts(D(2004, 1, 1))}
        assert counts == {network.pk: 2, empty.pk: 0}
        today = Network.objects.with_member_counts().get(pk=network.pk)
        assert today.member_count == 2


class TestMemoranda:
    def test_a_memorandum_cannot_end_before_it_is_signed(self):
        memorandum = Memorandum(
            title="x",
            slug="x",
            kind="bilateral",
            sector="finance",
            signed_on=D(2002, 5, 1),
            terminated_on=D(2001, 1, 1),
        )
        with pytest.raises(ValidationError):
            memorandum.full_clean(exclude=["sources"])
        assert_refused_by_database(memorandum.save, Memorandum)

    def test_a_memorandum_needs_a_known_kind(self):
        memorandum = Memorandum(title="x", slug="x", kind="trilateral", sector="finance")
        with pytest.raises(ValidationError):
            memorandum.full_clean(exclude=["sources"])
        assert_refused_by_database(memorandum.save, Memorandum)

    def test_an_institution_signs_a_memorandum_once(self):
        signatory = make_signatory(tier="Appendix A")
        duplicate = Signatory(memorandum=signatory.memorandum, institution=signatory.institution)
        with pytest.raises(ValidationError):
            duplicate.full_clean(exclude=["sources"])
        assert_refused_by_database(duplicate.save, Signatory)

    def test_a_signatory_cannot_withdraw_before_signing(self):
        signatory = Signatory(
            memorandum=make_memorandum(),
            institution=make_institution(),
            signed_on=D(2010, 1, 1),
            withdrawn_on=D(2009, 1, 1),
        )
        assert_refused_by_database(signatory.save, Signatory)

    def test_current_signatories_exclude_those_who_withdrew(self):
        memorandum = make_memorandum()
        staying = make_signatory(memorandum=memorandum)
        make_signatory(memorandum=memorandum, withdrawn_on=D(2015, 1, 1))
        assert list(memorandum.signatories.current()) == [staying]

    def test_database_refuses_a_non_http_document_url(self):
        memorandum = Memorandum(
            title="x",
            slug="x",
            kind="bilateral",
            sector="finance",
            document_url="file:///etc/passwd",
        )
        assert_refused_by_database(memorandum.save, Memorandum)


class TestMeetings:
    def test_a_meeting_cannot_end_before_it_starts(self):
        meeting = Meeting(
            network=make_network(),
            title="x",
            slug="x",
            kind=MeetingKind.PLENARY,
            start_date=D(2024, 6, 2),
            end_date=D(2024, 6, 1),
        )
        with pytest.raises(ValidationError) as excinfo:
            meeting.full_clean(exclude=["sources"])
        assert "A meeting cannot end before it starts." in str(excinfo.value)
        assert_refused_by_database(meeting.save, Meeting)

    def test_upcoming_and_past(self):
        today = datetime.date.today()
        past = make_meeting(start_date=D(2020, 1, 1), end_date=D(2020, 1, 2))
        upcoming = make_meeting(start_date=today, end_date=today + datetime.timedelta(days=1))
        assert list(Meeting.objects.upcoming()) == [upcoming]
        assert list(Meeting.objects.past()) == [past]
