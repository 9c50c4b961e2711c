"""Each date rule has one QuerySet method and one Python predicate beside it; they agree.

"Active" (institutions, networks), "in force" (memoranda), "current" (signatories),
"upcoming" (meetings) and "held on a date" (memberships), checked on rows around the
edges of each rule, on several dates.
"""

import datetime

import pytest
from django.utils import timezone

from institutions.models import Institution
from networks.models import Meeting, Membership, Memorandum, Network, Signatory
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
ENDS = [None, D(2001, 1, 1), TODAY, TODAY + datetime.timedelta(days=1), D(2090, 1, 1)]
DATES = [D(1990, 1, 1), D(2000, 12, 31), D(2001, 1, 1), D(2001, 1, 2), TODAY, D(2090, 1, 1)]


def agree(queryset_method, predicate, rows, dates=DATES):
    for on in dates:
        assert set(queryset_method(on)) == {row for row in rows if predicate(row, on)}, on
    # Without a date: today.
    assert set(queryset_method(None)) == {row for row in rows if predicate(row, TODAY)}


@pytest.mark.parametrize(
    ("make", "model"), [(make_institution, Institution), (make_network, Network)]
)
def test_active_agrees_with_is_active(make, model):
    rows = [make(dissolved_on=end) for end in ENDS]
    agree(model.objects.active, model.is_active, rows)
    # Dissolved is the rest.
    for on in DATES:
        assert set(model.objects.dissolved(on)) == set(rows) - set(model.objects.active(on))
    assert make(dissolved_on=TODAY).is_active() is False


def test_in_force_agrees_with_is_in_force():
    rows = [make_memorandum(terminated_on=end) for end in ENDS]
    agree(Memorandum.objects.in_force, Memorandum.is_in_force, rows)
    for on in DATES:
        assert set(Memorandum.objects.terminated(on)) == set(rows) - set(
            Memorandum.objects.in_force(on)
        )


def test_a_current_signatory_agrees_with_is_current():
    memorandum = make_memorandum()
    rows = [make_signatory(memorandum=memorandum, withdrawn_on=end) for end in ENDS]
    agree(Signatory.objects.current, Signatory.is_current, rows)


def test_upcoming_agrees_with_is_upcoming():
    yesterday = TODAY - datetime.timedelta(days=1)
    rows = [
        make_meeting(start_date=yesterday, end_date=yesterday),
        make_meeting(start_date=yesterday, end_date=TODAY),
        make_meeting(start_date=D(2090, 1, 1), end_date=D(2090, 1, 2)),
    ]
    assert set(Meeting.objects.upcoming()) == {row for row in rows if row.is_upcoming()}
    assert set(Meeting.objects.past()) == {row for row in rows if not row.is_upcoming()}
    assert [row.is_upcoming() for row in rows] == [False, True, True]


def test_held_on_agrees_with_as_of_at_every_precision():
    network = make_network()
    rows = [
        make_membership(network=network, **dates)
        for dates in (
            {},
            {"start_date": D(2001, 1, 1), "start_date_precision": "year"},
            {"start_date": D(2001, 1, 2)},
            {"end_date": D(2001, 1, 1), "end_date_precision": "year"},
            {"end_date": D(2001, 1, 1), "end_date_precision": "month"},
            {"end_date": D(2001, 1, 1)},
            {"start_date": D(1990, 1, 1), "end_date": TODAY},
            {"start_date": TODAY + datetime.timedelta(days=1)},
        )
    ]
    dates = [*DATES, D(2001, 1, 31), D(2001, 2, 1), D(2001, 12, 31), D(2002, 1, 1)]
    for on in dates:
        held = {row for row in rows if row.held_on(on)}
        assert set(Membership.objects.as_of(on)) == held, on
        # Ended: has an end and is not held on the date.
        ended = {row for row in rows if row.end_date is not None and not row.held_on(on)}
        assert set(Membership.objects.ended(on)) == ended, on
    assert set(Membership.objects.current()) == {row for row in rows if row.held_on(TODAY)}
    marked = {row.pk: row.held_now for row in Membership.objects.with_held_now()}
    assert marked == {row.pk: row.held_on(TODAY) for row in rows}


def test_two_periods_overlap_when_they_share_a_day_and_unknown_ends_reach_the_other():
    def period(start=None, end=None):
        return Membership(start_date=start, end_date=end)

    pairs = [
        (period(D(2000, 1, 1), D(2005, 1, 1)), period(D(2005, 1, 1), None), True),
        (period(D(2000, 1, 1), D(2004, 12, 31)), period(D(2005, 1, 1), None), False),
        (period(None, D(2001, 1, 1)), period(None, D(1990, 1, 1)), True),
        (period(D(2010, 1, 1)), period(None, D(2009, 12, 31)), False),
        (period(), period(D(2010, 1, 1), D(2011, 1, 1)), True),
    ]
    for a, b, overlap in pairs:
        assert a.overlaps(b) is overlap and b.overlaps(a) is overlap
