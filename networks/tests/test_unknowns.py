"""Unknowns that never contradict what we know (issue #14, item 2).

A membership never counts before its member or its network was founded, nor after
either was dissolved, whatever its own dates say. One whose start is unknown is
*confirmed* from the date of the earliest source that lists it and only *possible*
before. Each rule is a QuerySet condition with a Python twin; they are checked here
against each other on rows built at every bound (synthetic test data).
"""

import datetime

import pytest

from networks.models import BoundBasis, Membership, Network
from sources.models import Organisation
from sources.partial_dates import period_last_day
from tests.factories import make_institution, make_membership, make_network, make_source

pytestmark = pytest.mark.django_db

D = datetime.date


def counted(membership: Membership, on: datetime.date) -> bool:
    return Membership.objects.as_of(on).filter(pk=membership.pk).exists()


def status(membership: Membership, on: datetime.date) -> str | None:
    """The status by the QuerySets, checked against the Python twin on a fresh row."""
    confirmed = Membership.objects.confirmed_on(on).filter(pk=membership.pk).exists()
    possible = Membership.objects.possible_on(on).filter(pk=membership.pk).exists()
    assert not (confirmed and possible)
    by_sql = "confirmed" if confirmed else "possible" if possible else None
    fresh = Membership.objects.select_related(
        "network", "member_institution", "member_network"
    ).get(pk=membership.pk)
    assert fresh.status_on(on) == by_sql, on
    assert fresh.held_on(on) == counted(membership, on), on
    return by_sql


class TestNeverOutsideTheLifetimes:
    def test_an_undated_membership_counts_from_the_members_founding_year(self):
        member = make_institution(founded_on=D(2011, 1, 1), founded_on_precision="year")
        membership = make_membership(member_institution=member)
        # A founding known to the year counts from 1 January, as a start of that precision.
        assert not counted(membership, D(2010, 12, 31))
        assert counted(membership, D(2011, 1, 1))

    def test_an_undated_membership_counts_from_the_networks_founding(self):
        network = make_network(founded_on=D(1989, 7, 16))
        membership = make_membership(network=network)
        assert not counted(membership, D(1989, 7, 15))
        assert counted(membership, D(1989, 7, 16))

    def test_it_stops_counting_on_the_day_its_member_is_dissolved(self):
        member = make_institution(dissolved_on=D(2013, 4, 1))
        membership = make_membership(member_institution=member)
        # As `active()`: a body is no longer active on the day it is dissolved.
        assert counted(membership, D(2013, 3, 31))
        assert not counted(membership, D(2013, 4, 1))

    def test_it_stops_counting_when_the_network_is_dissolved(self):
        network = make_network(dissolved_on=D(2009, 4, 2))
        membership = make_membership(network=network, start_date=D(1999, 4, 1))
        assert counted(membership, D(2009, 4, 1))
        assert not counted(membership, D(2009, 4, 2))

    def test_a_member_network_is_bounded_by_its_own_founding(self):
        iosco = make_network(founded_on=D(1983, 1, 1), founded_on_precision="year")
        membership = make_membership(member_network=iosco)
        assert not counted(membership, D(1982, 12, 31))
        assert counted(membership, D(1983, 6, 1))

    def test_a_recorded_start_before_the_founding_is_clamped_to_it(self):
        # A data error (the audit reports it); the rule still never counts it early.
        member = make_institution(founded_on=D(2002, 5, 1))
        membership = make_membership(member_institution=member, start_date=D(1999, 1, 1))
        assert not counted(membership, D(2002, 4, 30))
        assert counted(membership, D(2002, 5, 1))
        assert membership.first_day() == (D(2002, 5, 1), BoundBasis.MEMBER_FOUNDED)

    def test_memberships_of_a_member_network_and_an_institution_both_count(self):
        # The member's bound is read through whichever member it has: the other join is
        # empty and must not hide the row.
        network = make_network()
        make_membership(network=network)
        make_membership(network=network, member_network=make_network())
        assert network.memberships.as_of(D(2000, 1, 1)).count() == 2

    def test_an_undated_membership_of_a_dissolved_member_is_former(self):
        member = make_institution(dissolved_on=D(2013, 4, 1))
        membership = make_membership(member_institution=member)
        assert list(Membership.objects.ended(D(2013, 4, 1))) == [membership]
        assert list(Membership.objects.ended(D(2013, 3, 31))) == []
        assert membership.last_day() == (D(2013, 3, 31), BoundBasis.MEMBER_DISSOLVED)


class TestConfirmedAndPossible:
    def test_an_undated_membership_is_possible_until_a_source_lists_it(self):
        source = make_source(accessed_on=D(2024, 5, 14))
        membership = make_membership(sources=[source])
        assert status(membership, D(2010, 1, 1)) == "possible"
        assert status(membership, D(2024, 5, 13)) == "possible"
        assert status(membership, D(2024, 5, 14)) == "confirmed"
        assert membership.confirmed_from() == (D(2024, 5, 14), BoundBasis.SOURCE_DATE)

    def test_the_earliest_source_confirms_it(self):
        old, new = make_source(accessed_on=D(2003, 1, 1)), make_source(accessed_on=D(2020, 1, 1))
        membership = make_membership(sources=[new, old])
        assert status(membership, D(2003, 1, 1)) == "confirmed"
        annotated = Membership.objects.with_known_from().get(pk=membership.pk)
        assert annotated.known_from_date == D(2003, 1, 1) == membership.known_from()

    def test_a_recorded_start_is_confirmed_from_that_start(self):
        membership = make_membership(
            start_date=D(2009, 1, 1),
            start_date_precision="year",
            sources=[make_source(accessed_on=D(2025, 6, 30))],
        )
        assert status(membership, D(2008, 12, 31)) is None
        assert status(membership, D(2009, 1, 1)) == "confirmed"
        assert membership.confirmed_from() == (D(2009, 1, 1), BoundBasis.RECORDED)

    def test_a_membership_without_sources_is_never_confirmed_without_a_start(self):
        membership = make_membership()
        membership.sources.clear()
        membership = Membership.objects.get(pk=membership.pk)
        assert status(membership, D(2090, 1, 1)) == "possible"
        assert membership.confirmed_from() == (None, None)

    def test_possible_never_reaches_before_the_founding(self):
        member = make_institution(founded_on=D(2011, 1, 1), founded_on_precision="year")
        membership = make_membership(
            member_institution=member, sources=[make_source(accessed_on=D(2024, 1, 1))]
        )
        assert status(membership, D(2010, 1, 1)) is None
        assert status(membership, D(2012, 1, 1)) == "possible"
        assert membership.first_day() == (D(2011, 1, 1), BoundBasis.MEMBER_FOUNDED)

    def test_the_counts_on_a_date_add_up(self):
        network = make_network(founded_on=D(1974, 1, 1), founded_on_precision="year")
        listed = make_source(accessed_on=D(2024, 5, 14))
        make_membership(network=network, start_date=D(1974, 1, 1), start_date_precision="year")
        make_membership(network=network, sources=[listed])
        make_membership(network=network, sources=[listed])
        late = make_institution(founded_on=D(2014, 11, 4))
        make_membership(network=network, member_institution=late, sources=[listed])
        row = Network.objects.with_member_counts(D(2010, 1, 1)).get(pk=network.pk)
        assert (row.member_count, row.confirmed_member_count, row.possible_member_count) == (
            3,
            1,
            2,
        )
        today = Network.objects.with_member_counts().get(pk=network.pk)
        assert (today.confirmed_member_count, today.possible_member_count) == (4, 0)


def test_every_rule_agrees_with_its_python_twin_at_every_bound():
    """as_of / confirmed_on / possible_on / ended against held_on / confirmed_on /
    possible_on / ended_by, on rows at every bound and dates around each."""
    listed = make_source(accessed_on=D(2005, 6, 1))
    network = make_network(founded_on=D(1990, 1, 1), founded_on_precision="year")
    short_lived = make_network(founded_on=D(1995, 3, 1), dissolved_on=D(2005, 6, 1))
    members = [
        make_institution(),
        make_institution(founded_on=D(2000, 1, 1), founded_on_precision="year"),
        make_institution(founded_on=D(2000, 6, 1), founded_on_precision="month"),
        make_institution(dissolved_on=D(2005, 6, 1)),
        make_institution(founded_on=D(1980, 1, 1), dissolved_on=D(2001, 1, 1)),
    ]
    rows = []
    for owner in (network, short_lived):
        for member in members:
            # One role per set of dates: a member holds one open period per role.
            for role, dates in (
                ("member", {}),
                ("associate", {"start_date": D(1985, 1, 1), "start_date_precision": "year"}),
                ("observer", {"start_date": D(2000, 1, 1)}),
                ("chair", {"end_date": D(2001, 1, 1), "end_date_precision": "year"}),
                ("secretariat", {"start_date": D(1999, 1, 1), "end_date": D(2005, 6, 1)}),
            ):
                rows.append(
                    make_membership(
                        network=owner,
                        member_institution=member,
                        role=role,
                        sources=[listed],
                        **dates,
                    )
                )
    rows.append(make_membership(network=network, member_network=short_lived, sources=[listed]))
    loaded = list(
        Membership.objects.select_related("network", "member_institution", "member_network")
        .prefetch_related("sources")
        .filter(pk__in=[row.pk for row in rows])
    )
    dates = [
        D(1989, 12, 31),
        D(1990, 1, 1),
        D(1995, 2, 28),
        D(1999, 12, 31),
        D(2000, 1, 1),
        D(2000, 5, 31),
        D(2000, 6, 1),
        D(2000, 12, 31),
        D(2001, 12, 31),
        D(2002, 1, 1),
        D(2005, 5, 31),
        D(2005, 6, 1),
        D(2020, 1, 1),
    ]
    for on in dates:
        assert set(Membership.objects.as_of(on)) == {r for r in loaded if r.held_on(on)}, on
        confirmed = set(Membership.objects.confirmed_on(on))
        possible = set(Membership.objects.possible_on(on))
        assert confirmed == {r for r in loaded if r.confirmed_on(on)}, on
        assert possible == {r for r in loaded if r.possible_on(on)}, on
        assert confirmed | possible == set(Membership.objects.as_of(on))
        assert not confirmed & possible
        assert set(Membership.objects.ended(on)) == {r for r in loaded if r.ended_by(on)}, on
        marked = {r.pk: r.confirmed_then for r in Membership.objects.with_confirmed_on(on)}
        assert marked == {r.pk: r.confirmed_on(on) for r in loaded}, on
        # Never outside a lifetime.
        for row in Membership.objects.as_of(on).select_related(
            "network", "member_institution", "member_network"
        ):
            for body in (row.member, row.network):
                first, last = Organisation.lifetime(body.founded_on, body.dissolved_on)
                assert (first is None or first <= on) and (last is None or on <= last)


@pytest.mark.parametrize(
    ("founded", "dissolved"),
    [(None, None), (D(2000, 1, 1), None), (None, D(2010, 3, 1)), (D(2000, 1, 1), D(2010, 3, 1))],
)
def test_existed_q_agrees_with_lifetime(founded, dissolved):
    body = make_institution(founded_on=founded, dissolved_on=dissolved)
    first, last = Organisation.lifetime(founded, dissolved)
    for on in (D(1999, 12, 31), D(2000, 1, 1), D(2010, 2, 28), D(2010, 3, 1)):
        in_sql = type(body).objects.filter(Organisation.existed_q(on), pk=body.pk).exists()
        assert in_sql == ((first is None or first <= on) and (last is None or on <= last)), on


def test_the_last_day_of_a_period():
    assert period_last_day(D(2012, 1, 1), "year") == D(2012, 12, 31)
    assert period_last_day(D(2012, 2, 1), "month") == D(2012, 2, 29)
    assert period_last_day(D(2011, 12, 1), "month") == D(2011, 12, 31)
    assert period_last_day(D(2011, 12, 7), "day") == D(2011, 12, 7)
