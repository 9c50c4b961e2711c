"""Small factory helpers for tests: each builds one valid row, overridable by keyword.

Data built here is synthetic and for tests only.
"""

import datetime
import itertools

from institutions.models import Branch, Institution, InstitutionSuccession, Jurisdiction, Level
from networks.models import (
    Dimension,
    Meeting,
    MeetingKind,
    Membership,
    Memorandum,
    MemorandumKind,
    Network,
    NetworkSuccession,
    Origin,
    Reach,
    Sector,
    Signatory,
)
from sources.models import Source, SuccessionKind

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_source(**kwargs) -> Source:
    n = _n()
    defaults = {
        "url": f"https://example.org/test-source-{n}",
        "title": f"Test source {n}",
        "accessed_on": datetime.date(2025, 1, 1),
    }
    return Source.objects.create(**(defaults | kwargs))


def make_jurisdiction(**kwargs) -> Jurisdiction:
    defaults = {
        "code": "DE",
        "name": "Germany",
        "slug": "germany",
        "region": "europe",
        "subregion": "western_europe",
    }
    values = defaults | kwargs
    if "slug" not in kwargs and "code" in kwargs:
        values["slug"] = kwargs["code"].lower()
    return Jurisdiction.objects.create(**values)


def make_institution(*, sources: list[Source] | None = None, **kwargs) -> Institution:
    n = _n()
    defaults = {
        "name": f"Test Institution {n}",
        "slug": f"test-institution-{n}",
        "branch": Branch.REGULATOR,
        "level": Level.NATIONAL,
        "website": f"https://institution-{n}.example.org/",
    }
    values = defaults | kwargs
    if "jurisdiction" not in values and values["level"] != Level.INTERNATIONAL:
        values["jurisdiction"] = (
            Jurisdiction.objects.filter(code="DE").first() or make_jurisdiction()
        )
    institution = Institution.objects.create(**values)
    institution.sources.set(sources or [make_source()])
    return institution


def make_network(*, sources: list[Source] | None = None, **kwargs) -> Network:
    n = _n()
    defaults = {
        "name": f"Test Network {n}",
        "slug": f"test-network-{n}",
        "dimension": Dimension.HORIZONTAL,
        "reach": Reach.GLOBAL,
        "sector": Sector.FINANCE,
        "origin": Origin.SPONTANEOUS,
        "function_information": True,
    }
    network = Network.objects.create(**(defaults | kwargs))
    network.sources.set(sources or [make_source()])
    return network


def make_membership(*, sources: list[Source] | None = None, **kwargs) -> Membership:
    if "network" not in kwargs:
        kwargs["network"] = make_network()
    if "member_institution" not in kwargs and "member_network" not in kwargs:
        kwargs["member_institution"] = make_institution()
    membership = Membership.objects.create(**kwargs)
    membership.sources.set(sources or [make_source()])
    return membership


def make_memorandum(*, sources: list[Source] | None = None, **kwargs) -> Memorandum:
    n = _n()
    defaults = {
        "title": f"Test Memorandum {n}",
        "slug": f"test-memorandum-{n}",
        "kind": MemorandumKind.MULTILATERAL,
        "sector": Sector.FINANCE,
    }
    memorandum = Memorandum.objects.create(**(defaults | kwargs))
    memorandum.sources.set(sources or [make_source()])
    return memorandum


def make_signatory(*, sources: list[Source] | None = None, **kwargs) -> Signatory:
    if "memorandum" not in kwargs:
        kwargs["memorandum"] = make_memorandum()
    if "institution" not in kwargs:
        kwargs["institution"] = make_institution()
    signatory = Signatory.objects.create(**kwargs)
    signatory.sources.set(sources or [make_source()])
    return signatory


def make_meeting(*, sources: list[Source] | None = None, **kwargs) -> Meeting:
    n = _n()
    defaults = {
        "title": f"Test Meeting {n}",
        "slug": f"test-meeting-{n}",
        "kind": MeetingKind.PLENARY,
        "start_date": datetime.date(2024, 6, 1),
        "end_date": datetime.date(2024, 6, 2),
    }
    values = defaults | kwargs
    if "network" not in values:
        values["network"] = make_network()
    meeting = Meeting.objects.create(**values)
    meeting.sources.set(sources or [make_source()])
    return meeting


def make_succession(
    *,
    successor: Institution | Network,
    predecessor: Institution | Network | None = None,
    sources: list[Source] | None = None,
    **kwargs,
) -> InstitutionSuccession | NetworkSuccession:
    """A succession between two institutions or two networks (after the successor's
    kind); without a predecessor, a renaming with a former name."""
    model = NetworkSuccession if isinstance(successor, Network) else InstitutionSuccession
    defaults = {"kind": SuccessionKind.REPLACED_BY}
    if predecessor is None:
        defaults = {"kind": SuccessionKind.RENAMED, "former_name": f"Former name {_n()}"}
    succession = model.objects.create(
        predecessor=predecessor, successor=successor, **(defaults | kwargs)
    )
    succession.sources.set(sources if sources is not None else [make_source()])
    return succession
