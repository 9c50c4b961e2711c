"""bench/floor.py's member rows say what Lattice says of when a membership counts.

The floor repeats networks.models' "truth over time" rules in plain Python (`truth`);
here both read the same dates, over a grid of cases, without a database: unsaved model
instances on Lattice's side, the floor's row dicts on the other.
"""

import datetime
import itertools

import pytest

from bench import floor
from institutions.models import Institution
from networks.models import Membership, Network

D = datetime.date
# Dates either side of the day asked about, so every bound is crossed both ways.
ON = D(2012, 6, 30)
STARTS = [None, D(2001, 3, 15), D(2012, 6, 30), D(2013, 1, 1)]
ENDS = [(None, "day"), (D(2012, 6, 29), "day"), (D(2012, 1, 1), "year"), (D(2012, 6, 1), "month")]
FOUNDINGS = [None, D(1999, 1, 1), D(2012, 7, 1)]
DISSOLUTIONS = [None, D(2012, 6, 30), D(2012, 7, 1)]
SOURCE_DATES = [[], [None], [D(2010, 5, 1)], [D(2014, 1, 1), D(2011, 2, 3)]]


def lattice_says(start, end, member_founded, member_dissolved, net_founded, net_dissolved,
                 known, member_is_network):  # fmt: skip
    member = (Network if member_is_network else Institution)(
        founded_on=member_founded, dissolved_on=member_dissolved
    )
    membership = Membership(
        network=Network(founded_on=net_founded, dissolved_on=net_dissolved),
        start_date=start,
        end_date=end[0],
        end_date_precision=end[1],
        **{"member_network" if member_is_network else "member_institution": member},
    )
    membership.known_from_date = known  # as `with_known_from()` annotates it
    iso = lambda day: day.isoformat() if day else None  # noqa: E731
    confirmed, first, last = (
        membership.confirmed_from(),
        membership.first_day(),
        membership.last_day(),
    )
    return {
        "start_known": membership.start_known,
        "confirmed_from": iso(confirmed[0]),
        "start_basis": confirmed[1],
        "counts_from": iso(first[0]),
        "counts_from_basis": first[1],
        "counts_until": iso(last[0]),
        "end_basis": last[1],
        "status": membership.status_on(ON),
    }


@pytest.mark.parametrize("member_is_network", [False, True])
def test_truth_matches_the_models(member_is_network):
    cases = itertools.product(
        STARTS, ENDS, FOUNDINGS, DISSOLUTIONS, FOUNDINGS, DISSOLUTIONS, SOURCE_DATES
    )
    checked = 0
    for start, end, m_founded, m_dissolved, n_founded, n_dissolved, dates in cases:
        if start and end[0] and end[0] < start:
            continue  # the database refuses an end before the start
        prefix, other = ("mn_", "i_") if member_is_network else ("i_", "mn_")
        row = {
            "start_date": start,
            "end_date": end[0],
            "end_date_precision": end[1],
            prefix + "founded_on": m_founded,
            prefix + "dissolved_on": m_dissolved,
            other + "founded_on": None,
            other + "dissolved_on": None,
        }
        net = {"founded_on": n_founded, "dissolved_on": n_dissolved}
        sources = [{"as_of": floor.iso(day)} for day in dates]
        known = min((day for day in dates if day), default=None)
        expected = lattice_says(
            start, end, m_founded, m_dissolved, n_founded, n_dissolved, known, member_is_network
        )
        assert floor.truth(row, net, sources, ON) == expected, (row, net, dates)
        checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("value", "precision", "last"),
    [
        (D(2012, 1, 1), "year", D(2012, 12, 31)),
        (D(2012, 2, 1), "month", D(2012, 2, 29)),
        (D(2011, 12, 1), "month", D(2011, 12, 31)),
        (D(2012, 6, 15), "day", D(2012, 6, 15)),
    ],
)
def test_period_last_day(value, precision, last):
    assert floor.period_last_day(value, precision) == last
