"""The floor: the thinnest honest WSGI app answering the benchmark's questions.

No framework: one psycopg connection per worker, one hand-written SQL query per table
touched, JSON built from dicts with the same keys and values as Lattice's API. Lattice's
speed is reported as a ratio against this app, measured in the same run.
Serve with: gunicorn -w 2 bench.floor:app  (DATABASE_URL names the database)
"""

import datetime
import os
import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import psycopg

try:
    import orjson

    def dumps(value) -> bytes:
        return orjson.dumps(value)
except ImportError:  # the floor is only faster with orjson; json keeps it honest
    import json

    def dumps(value) -> bytes:
        return json.dumps(value, default=str, separators=(",", ":")).encode()


DSN = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lattice_bench")
_conn = None


def db():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(DSN, autocommit=True)
    return _conn


def rows(sql: str, params=()) -> list[dict]:
    with db().cursor(row_factory=psycopg.rows.dict_row) as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def iso(value):
    return value.isoformat() if value is not None else None


def partial(value, precision):
    if value is None:
        return None
    return {"year": value.strftime("%Y"), "month": value.strftime("%Y-%m")}.get(
        precision, value.isoformat()
    )


def period_last_day(value: datetime.date, precision: str) -> datetime.date:
    """The last day of the period a partial date stands for (sources.partial_dates)."""
    if precision == "year":
        return value.replace(month=12, day=31)
    if precision == "month":
        return (value.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        ) - datetime.timedelta(days=1)
    return value


def sources_of(table: str, fk: str, ids: list[int], base: str) -> dict[int, list]:
    if not ids:
        return {}
    found: dict[int, list] = {}
    for r in rows(
        f"SELECT t.{fk} AS owner, s.id, s.url, s.title, s.publisher, s.as_of, s.accessed_on "
        f"FROM {table} t JOIN sources_source s ON s.id = t.source_id "
        f"WHERE t.{fk} = ANY(%s) ORDER BY s.url",
        (ids,),
    ):
        found.setdefault(r["owner"], []).append(
            {
                "id": r["id"],
                "document_url": r["url"],
                "title": r["title"],
                "publisher": r["publisher"],
                "as_of": iso(r["as_of"]),
                "accessed_on": iso(r["accessed_on"]),
            }
        )
    return found


def institution_ref(r: dict, base: str, p: str = "") -> dict:
    return {
        "id": r[p + "id"],
        "slug": r[p + "slug"],
        "name": r[p + "name"],
        "acronym": r[p + "acronym"],
        "branch": r[p + "branch"],
        "jurisdiction": r[p + "jcode"],
        "website": r[p + "website"],
        "url": f"{base}/api/v1/institutions/{r[p + 'slug']}/",
        "html_url": f"{base}/institutions/{r[p + 'slug']}/",
    }


def institution_full(r: dict, base: str, sources: dict) -> dict:
    return {
        **institution_ref(r, base),
        "level": r["level"],
        "parent": r["parent_slug"],
        "founded": partial(r["founded_on"], r["founded_on_precision"]),
        "founded_precision": r["founded_on_precision"],
        "dissolved": partial(r["dissolved_on"], r["dissolved_on_precision"]),
        "dissolved_precision": r["dissolved_on_precision"],
        "description": r["description"],
        "other_names": r["other_names"] or [],
        "identifiers": r["identifiers"] or {},
        "sources": sources.get(r["id"], []),
        "updated_at": r["updated_at"].isoformat().replace("+00:00", "Z"),
    }


INSTITUTION_SQL = """
SELECT i.*, j.code AS jcode, p.slug AS parent_slug,
  (SELECT array_agg(n.name ORDER BY n.name) FROM institutions_institutionname n
     WHERE n.institution_id = i.id) AS other_names,
  (SELECT jsonb_object_agg(x.scheme, x.identifier) FROM institutions_institutionidentifier x
     WHERE x.institution_id = i.id) AS identifiers
FROM institutions_institution i
LEFT JOIN institutions_jurisdiction j ON j.id = i.jurisdiction_id
LEFT JOIN institutions_institution p ON p.id = i.parent_id
"""


def page(results: list, count: int, size: int, url: str) -> dict:
    """Page 1 of `count` rows, with DRF's `next` link (parameters sorted, page replaced)."""
    following = None
    if count > size:
        scheme, netloc, path, query, fragment = urlsplit(url)
        params = parse_qs(query, keep_blank_values=True)
        params["page"] = ["2"]
        following = urlunsplit(
            (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
        )
    return {"count": count, "next": following, "previous": None, "results": results}


def institutions(query: dict, base: str, url: str):
    size = int(query.get("page_size", ["50"])[0])
    where, params = [], []
    if "jurisdiction" in query:
        where.append("j.code = %s")
        params.append(query["jurisdiction"][0])
    if "search" in query:
        for word in query["search"][0].split():
            where.append(
                "(i.name ILIKE %s OR i.acronym ILIKE %s OR EXISTS (SELECT 1 FROM "
                "institutions_institutionname n WHERE n.institution_id = i.id AND n.name ILIKE %s))"
            )
            params += [f"%{word}%"] * 3
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    found = rows(
        INSTITUTION_SQL + clause + " ORDER BY i.name, i.id LIMIT %s",
        (*params, size),
    )
    count = rows(
        "SELECT count(*) AS n FROM institutions_institution i LEFT JOIN "
        "institutions_jurisdiction j ON j.id = i.jurisdiction_id" + clause,
        params,
    )[0]["n"]
    sources = sources_of(
        "institutions_institution_sources", "institution_id", [r["id"] for r in found], base
    )
    return page([institution_full(r, base, sources) for r in found], count, size, url)


REF = "{0}.id AS {0}_id, {0}.slug AS {0}_slug, {0}.name AS {0}_name, {0}.acronym AS {0}_acronym, "
REF += "{0}.branch AS {0}_branch, {0}.website AS {0}_website, {0}j.code AS {0}_jcode"

# An institution's successions, either end, oldest first, with both ends (the API's
# `lineage_of`).
LINEAGE_SQL = f"""
SELECT s.id, s.kind, s.former_name, s.date, s.date_precision, s.note, s.predecessor_id,
  s.successor_id, {REF.format("p")}, {REF.format("q")}
FROM institutions_institutionsuccession s
LEFT JOIN institutions_institution p ON p.id = s.predecessor_id
LEFT JOIN institutions_jurisdiction pj ON pj.id = p.jurisdiction_id
JOIN institutions_institution q ON q.id = s.successor_id
LEFT JOIN institutions_jurisdiction qj ON qj.id = q.jurisdiction_id
WHERE s.predecessor_id = %(id)s OR s.successor_id = %(id)s
ORDER BY s.date NULLS FIRST, s.id
"""


def succession(r: dict, base: str, sources: dict, end: str) -> dict:
    """One succession as the other end's page lists it: a predecessor (`p`, with the
    former name of a renaming within one record) or a successor (`q`)."""
    head = {"institution": institution_ref(r, base, end + "_") if r[end + "_id"] else None}
    if end == "p":
        head["former_name"] = r["former_name"]
    return {
        **head,
        "kind": r["kind"],
        "date": partial(r["date"], r["date_precision"]),
        "date_precision": r["date_precision"],
        "note": r["note"],
        "sources": sources.get(r["id"], []),
    }


def institution(slug: str, base: str):
    found = rows(INSTITUTION_SQL + " WHERE i.slug = %s", (slug,))
    if not found:
        return None
    r = found[0]
    sources = sources_of("institutions_institution_sources", "institution_id", [r["id"]], base)
    lineage = rows(LINEAGE_SQL, {"id": r["id"]})
    cited = sources_of(  # no query without successions
        "institutions_institutionsuccession_sources",
        "institutionsuccession_id",
        [s["id"] for s in lineage],
        base,
    )
    cite = f"{base}/institutions/{r['slug']}/cite"
    return {
        **institution_full(r, base, sources),
        "predecessors": [
            succession(s, base, cited, "p") for s in lineage if s["successor_id"] == r["id"]
        ],
        "successors": [
            succession(s, base, cited, "q") for s in lineage if s["predecessor_id"] == r["id"]
        ],
        "citation": {"bibtex": cite + ".bib", "ris": cite + ".ris", "csl_json": cite + ".json"},
    }


def network_ref(r: dict, base: str, p: str) -> dict | None:
    if r[p + "id"] is None:
        return None
    return {
        "id": r[p + "id"],
        "slug": r[p + "slug"],
        "name": r[p + "name"],
        "acronym": r[p + "acronym"],
        "website": r[p + "website"],
        "url": f"{base}/api/v1/networks/{r[p + 'slug']}/",
        "html_url": f"{base}/networks/{r[p + 'slug']}/",
    }


HELD = """(m.start_date IS NULL OR m.start_date <= %(on)s) AND (m.end_date IS NULL
  OR m.end_date >= CASE m.end_date_precision WHEN 'year' THEN date_trunc('year', %(on)s)::date
     WHEN 'month' THEN date_trunc('month', %(on)s)::date ELSE %(on)s END)"""


# A member list's rows also need their member to have existed on the date (founded by
# then, not yet dissolved: networks.models.Membership.as_of_q); the network's own
# lifetime is checked once per request.
MEMBER_HELD = f"""{HELD}
  AND (i.founded_on IS NULL OR i.founded_on <= %(on)s)
  AND (i.dissolved_on IS NULL OR i.dissolved_on > %(on)s)
  AND (mn.founded_on IS NULL OR mn.founded_on <= %(on)s)
  AND (mn.dissolved_on IS NULL OR mn.dissolved_on > %(on)s)"""


def latest(bounds: list) -> tuple:
    """The latest known (day, basis); the first listed wins a tie."""
    found = (None, None)
    for bound in bounds:
        if bound[0] is not None and (found[0] is None or bound[0] > found[0]):
            found = bound
    return found


def earliest(bounds: list) -> tuple:
    found = (None, None)
    for bound in bounds:
        if bound[0] is not None and (found[0] is None or bound[0] < found[0]):
            found = bound
    return found


def truth(r: dict, net: dict, sources: list, on: datetime.date) -> dict:
    """When a membership counts and whether it is confirmed on the date: Lattice's
    rules (networks.models.HeldPeriod and Membership.confirmed_from / status_on)."""
    start, founded = r["start_date"], r["i_founded_on"] or r["mn_founded_on"]
    dissolved = r["i_dissolved_on"] or r["mn_dissolved_on"]
    day = datetime.timedelta(days=1)
    first = latest(
        [
            (start, "recorded"),
            (founded, "member_founded"),
            (net["founded_on"], "network_founded"),
        ]
    )
    last = earliest(
        [
            (period_last_day(r["end_date"], r["end_date_precision"]) if r["end_date"] else None,
             "recorded"),
            (dissolved - day if dissolved else None, "member_dissolved"),
            (net["dissolved_on"] - day if net["dissolved_on"] else None, "network_dissolved"),
        ]
    )  # fmt: skip
    if start is None:
        # Known from the earliest date of the sources that list it.
        known = min((s["as_of"] for s in sources if s["as_of"]), default=None)
        own = (datetime.date.fromisoformat(known) if known else None, "source_date")
    else:
        own = (start, "recorded")
    confirmed = (
        latest([own, (founded, "member_founded"), (net["founded_on"], "network_founded")])
        if own[0]
        else (None, None)
    )
    status = None
    if (first[0] is None or first[0] <= on) and (last[0] is None or on <= last[0]):
        status = "confirmed" if confirmed[0] and confirmed[0] <= on else "possible"
    return {
        "start_known": start is not None,
        "confirmed_from": iso(confirmed[0]),
        "start_basis": confirmed[1],
        "counts_from": iso(first[0]),
        "counts_from_basis": first[1],
        "counts_until": iso(last[0]),
        "end_basis": last[1],
        "status": status,
    }


def members(slug: str, query: dict, base: str, url: str = ""):
    size = int(query.get("page_size", ["50"])[0])
    on = datetime.date.fromisoformat(query.get("as_of", [datetime.date.today().isoformat()])[0])
    found = rows(
        "SELECT id, founded_on, dissolved_on FROM networks_network WHERE slug = %s", (slug,)
    )
    if not found:
        return None
    net = found[0]
    founded, dissolved = net["founded_on"], net["dissolved_on"]
    if (founded is not None and founded > on) or (dissolved is not None and dissolved <= on):
        return page([], 0, size, url)  # the network did not exist then: nothing counts
    params = {"net": net["id"], "on": on, "size": size}
    found = rows(
        # The count comes with the rows (a window over every row held, before the
        # limit): one pass over the joins instead of two.
        f"""SELECT m.*, count(*) OVER () AS total, n.id AS n_id, n.slug AS n_slug,
          n.name AS n_name, n.acronym AS n_acronym, n.website AS n_website,
          i.id AS i_id, i.slug AS i_slug, i.name AS i_name,
          i.acronym AS i_acronym, i.branch AS i_branch, i.website AS i_website, j.code AS i_jcode,
          i.founded_on AS i_founded_on, i.dissolved_on AS i_dissolved_on,
          mn.id AS mn_id, mn.slug AS mn_slug, mn.name AS mn_name, mn.acronym AS mn_acronym,
          mn.website AS mn_website, mn.founded_on AS mn_founded_on,
          mn.dissolved_on AS mn_dissolved_on
        FROM networks_membership m JOIN networks_network n ON n.id = m.network_id
        LEFT JOIN institutions_institution i ON i.id = m.member_institution_id
        LEFT JOIN institutions_jurisdiction j ON j.id = i.jurisdiction_id
        LEFT JOIN networks_network mn ON mn.id = m.member_network_id
        WHERE m.network_id = %(net)s AND {MEMBER_HELD}
        ORDER BY m.role, i.name, mn.name, m.start_date, m.id LIMIT %(size)s""",
        params,
    )
    count = found[0]["total"] if found else 0
    sources = sources_of(
        "networks_membership_sources", "membership_id", [r["id"] for r in found], base
    )
    results = [
        {
            "id": r["id"],
            "network": network_ref(r, base, "n_"),
            "member_type": "institution" if r["member_institution_id"] else "network",
            "member_institution": institution_ref(r, base, "i_") if r["i_id"] else None,
            "member_network": network_ref(r, base, "mn_"),
            "role": r["role"],
            "label": r["label"],
            "start": partial(r["start_date"], r["start_date_precision"]),
            "start_precision": r["start_date_precision"],
            "end": partial(r["end_date"], r["end_date_precision"]),
            "end_precision": r["end_date_precision"],
            "end_reason": r["end_reason"],
            "last_verified_on": iso(r["last_verified_on"]),
            **truth(r, net, sources.get(r["id"], []), on),
            "sources": sources.get(r["id"], []),
            "updated_at": r["updated_at"].isoformat().replace("+00:00", "Z"),
        }
        for r in found
    ]
    return page(results, count, size, url)


def network_page(slug: str, base: str):
    """The data of the HTML network page's first page: the network, its first 100
    current members, its counts (members, member jurisdictions, former members), the 50
    latest former members and the member map (jurisdictions with their member counts)."""
    net = rows("SELECT * FROM networks_network WHERE slug = %s", (slug,))
    if not net:
        return None
    n = net[0]
    listed = members(slug, {"page_size": ["100"]}, base)
    params = {"net": n["id"], "on": datetime.date.today()}
    counts = rows(
        f"""SELECT count(*) FILTER (WHERE {HELD}) AS members,
          count(DISTINCT i.jurisdiction_id) FILTER (WHERE {HELD}) AS jurisdictions,
          count(*) FILTER (WHERE m.end_date IS NOT NULL AND NOT ({HELD})) AS former
        FROM networks_membership m
        LEFT JOIN institutions_institution i ON i.id = m.member_institution_id
        WHERE m.network_id = %(net)s""",
        params,
    )[0]
    former = rows(
        f"""SELECT m.id, m.role, m.start_date, m.end_date, m.end_reason,
          coalesce(i.name, mn.name) AS name, coalesce(i.slug, mn.slug) AS slug
        FROM networks_membership m
        LEFT JOIN institutions_institution i ON i.id = m.member_institution_id
        LEFT JOIN networks_network mn ON mn.id = m.member_network_id
        WHERE m.network_id = %(net)s AND m.end_date IS NOT NULL AND NOT ({HELD})
        ORDER BY m.end_date DESC, m.id LIMIT 50""",
        params,
    )
    sources = sources_of(
        "networks_membership_sources", "membership_id", [r["id"] for r in former], base
    )
    areas = rows(
        f"""SELECT coalesce(p.code, j.code) AS code, coalesce(p.name, j.name) AS name,
          count(*) AS count
        FROM networks_membership m JOIN institutions_institution i ON i.id = m.member_institution_id
        JOIN institutions_jurisdiction j ON j.id = i.jurisdiction_id
        LEFT JOIN institutions_jurisdiction p ON p.id = j.parent_id
        WHERE m.network_id = %(net)s AND {HELD} GROUP BY 1, 2 ORDER BY 2, 1""",
        params,
    )
    return {
        "id": n["id"],
        "name": n["name"],
        "description": n["description"],
        "counts": counts,
        "members": listed,
        "former": [
            {
                **{k: iso(v) if isinstance(v, datetime.date) else v for k, v in r.items()},
                "sources": sources.get(r["id"], []),
            }
            for r in former
        ],
        "map": areas,
    }


def jurisdiction_page(slug: str, base: str):
    """The data of the HTML jurisdiction page's first page: the jurisdiction with its
    counts (institutions per branch, networks joined today, memoranda signed), its first
    50 institutions in the page's order (branch, name), and for each the first 10 of its
    memberships (current first) with their sources, its 5 latest signatures and its 5
    latest meetings, each with its total."""
    today = datetime.date.today()
    j = rows(
        f"""SELECT j.id, j.code, j.name,
          (SELECT count(DISTINCT m.network_id) FROM networks_membership m
             JOIN institutions_institution i ON i.id = m.member_institution_id
             WHERE i.jurisdiction_id = j.id AND {HELD}) AS network_count,
          (SELECT count(DISTINCT s.memorandum_id) FROM networks_signatory s
             JOIN institutions_institution i ON i.id = s.institution_id
             WHERE i.jurisdiction_id = j.id) AS memorandum_count
        FROM institutions_jurisdiction j WHERE j.slug = %(slug)s""",
        {"slug": slug, "on": today},
    )
    if not j:
        return None
    branches = rows(
        "SELECT branch, count(*) AS n FROM institutions_institution WHERE jurisdiction_id = %s "
        "GROUP BY branch ORDER BY branch",
        (j[0]["id"],),
    )
    found = rows(
        "SELECT id, slug, name, acronym, branch, website FROM institutions_institution "
        "WHERE jurisdiction_id = %s ORDER BY branch, name, id LIMIT 50",
        (j[0]["id"],),
    )
    ids = [r["id"] for r in found]
    params = {"ids": ids, "on": today}
    memberships = rows(
        f"""SELECT * FROM (SELECT m.id, m.member_institution_id, m.role, m.start_date,
          m.start_date_precision, m.end_date, m.end_date_precision, n.slug AS network_slug,
          n.name AS network_name, ({HELD}) AS held_now,
          row_number() OVER w AS n, count(*) OVER (PARTITION BY m.member_institution_id) AS total
        FROM networks_membership m JOIN networks_network n ON n.id = m.network_id
        WHERE m.member_institution_id = ANY(%(ids)s)
        WINDOW w AS (PARTITION BY m.member_institution_id
                     ORDER BY ({HELD}) DESC, n.name, m.start_date, m.id)) x WHERE n <= 10""",
        params,
    )
    sources = sources_of(
        "networks_membership_sources", "membership_id", [r["id"] for r in memberships], base
    )
    signatures = rows(
        """SELECT * FROM (SELECT s.institution_id, s.signed_on, mo.slug, mo.title,
          row_number() OVER (PARTITION BY s.institution_id
            ORDER BY s.signed_on DESC NULLS LAST, mo.title, s.id) AS n,
          count(*) OVER (PARTITION BY s.institution_id) AS total
        FROM networks_signatory s JOIN networks_memorandum mo ON mo.id = s.memorandum_id
        WHERE s.institution_id = ANY(%(ids)s)) x WHERE n <= 5""",
        params,
    )
    meetings = rows(
        """SELECT * FROM (SELECT p.institution_id, me.slug, me.title, me.start_date,
          row_number() OVER (PARTITION BY p.institution_id ORDER BY me.start_date DESC, p.id)
            AS n, count(*) OVER (PARTITION BY p.institution_id) AS total
        FROM networks_meetingparticipant p JOIN networks_meeting me ON me.id = p.meeting_id
        WHERE p.institution_id = ANY(%(ids)s)) x WHERE n <= 5""",
        params,
    )
    by: dict[str, dict[int, list]] = {"memberships": {}, "signatures": {}, "meetings": {}}
    for key, found_rows in (("memberships", memberships), ("signatures", signatures),
                            ("meetings", meetings)):  # fmt: skip
        for r in found_rows:
            owner = r.get("member_institution_id") or r.get("institution_id")
            by[key].setdefault(owner, []).append(
                {k: iso(v) if isinstance(v, datetime.date) else v for k, v in r.items()}
                | ({"sources": sources.get(r["id"], [])} if key == "memberships" else {})
            )
    return {
        **j[0],
        "branches": branches,
        "institutions": [{**r, **{key: by[key].get(r["id"], []) for key in by}} for r in found],
    }


# The labels Lattice shows for its choices (networks/models.py), for the lattice's nodes.
SECTOR_LABELS = {
    "finance": "Finance", "competition": "Competition", "environment": "Environment",
    "trade": "Trade", "courts": "Courts", "legislatures": "Legislatures",
    "law_enforcement": "Law enforcement", "data_protection": "Data protection",
    "telecommunications": "Telecommunications", "tax": "Tax", "health": "Health",
    "energy": "Energy", "transport": "Transport", "human_rights": "Human rights",
    "customs": "Customs", "maritime": "Maritime safety", "nuclear_safety": "Nuclear safety",
    "audit": "Public audit", "ombudsmen": "Ombudsmen", "elections": "Elections",
    "other": "Other",
}  # fmt: skip
DIMENSION_LABELS = {"horizontal": "Horizontal", "vertical": "Vertical"}


def lattice_graph(query: dict):
    """The lattice: the active networks (of a sector), linked by the member institutions
    they share on the date, and networks that are members of networks (the same JSON as
    /api/v1/lattice/). The overlap is counted in SQL."""
    on = datetime.date.fromisoformat(query.get("as_of", [datetime.date.today().isoformat()])[0])
    sector = query.get("sector", [None])[0]
    nets = rows(
        "SELECT id, slug, name, acronym, sector, dimension, founded_on FROM networks_network "
        "WHERE (dissolved_on IS NULL OR dissolved_on > %(on)s) "
        "AND (%(sector)s::text IS NULL OR sector = %(sector)s) ORDER BY name",
        {"on": on, "sector": sector},
    )
    # A network drawn before its founding has no members yet, nor does a member that
    # did not exist on the date (Membership.as_of_q): the few such members are read
    # once, and each query below leaves them out.
    gone = rows(
        "SELECT array(SELECT id FROM institutions_institution WHERE founded_on > %(on)s "
        "OR dissolved_on <= %(on)s) AS institutions, array(SELECT id FROM networks_network "
        "WHERE founded_on > %(on)s OR dissolved_on <= %(on)s) AS networks",
        {"on": on},
    )[0]
    params = {
        "on": on,
        "ids": [n["id"] for n in nets],
        "existing": [n["id"] for n in nets if n["founded_on"] is None or n["founded_on"] <= on],
        **gone,
    }
    held = f"""SELECT * FROM networks_membership m WHERE m.network_id = ANY(%(existing)s)
      AND {HELD} AND coalesce(m.member_institution_id <> ALL(%(institutions)s), true)
      AND coalesce(m.member_network_id <> ALL(%(networks)s), true)"""
    counts = {
        r["network_id"]: r["n"]
        for r in rows(
            f"SELECT network_id, count(*) AS n FROM ({held}) m WHERE member_institution_id "
            "IS NOT NULL OR member_network_id = ANY(%(ids)s) GROUP BY network_id",
            params,
        )
    }
    overlap = rows(
        f"WITH h AS (SELECT DISTINCT network_id, member_institution_id FROM ({held}) m "
        "WHERE member_institution_id IS NOT NULL) SELECT a.network_id AS a, b.network_id AS b, "
        "count(*) AS w FROM h a JOIN h b ON a.member_institution_id = b.member_institution_id "
        "AND a.network_id < b.network_id GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
        params,
    )
    member_of = rows(
        f"SELECT member_network_id, network_id FROM ({held}) m "
        "WHERE member_network_id = ANY(%(ids)s) ORDER BY id",
        params,
    )
    node = {n["id"]: f"n-{n['slug']}" for n in nets}
    nodes = [
        {
            "id": node[n["id"]],
            "kind": "network",
            "slug": n["slug"],
            "label": n["acronym"] or n["name"],
            "name": n["name"],
            "url": f"/networks/{n['slug']}/",
            "sector": n["sector"],
            "dimension": n["dimension"],
            "tier": 0,
            "members": counts.get(n["id"], 0),
            "sector_label": SECTOR_LABELS[n["sector"]],
            "dimension_label": DIMENSION_LABELS[n["dimension"]],
        }
        for n in nets
    ]
    edges = [
        {"id": f"o-{r['a']}-{r['b']}", "source": node[r["a"]], "target": node[r["b"]],
         "kind": "overlap", "weight": r["w"]}
        for r in overlap
    ] + [
        {"id": f"p-{r['member_network_id']}-{r['network_id']}",
         "source": node[r["member_network_id"]], "target": node[r["network_id"]],
         "kind": "member", "weight": 1}
        for r in member_of
    ]  # fmt: skip
    return {"as_of": on.isoformat(), "nodes": nodes, "edges": edges}


ROUTES = [
    (re.compile(r"^/api/v1/institutions/$"), lambda m, q, b, u: institutions(q, b, u)),
    (re.compile(r"^/api/v1/institutions/([^/]+)/$"), lambda m, q, b, u: institution(m[1], b)),
    (re.compile(r"^/api/v1/networks/([^/]+)/members/$"), lambda m, q, b, u: members(m[1], q, b, u)),
    (re.compile(r"^/networks/([^/]+)/$"), lambda m, q, b, u: network_page(m[1], b)),
    (re.compile(r"^/jurisdictions/([^/]+)/$"), lambda m, q, b, u: jurisdiction_page(m[1], b)),
    (re.compile(r"^/api/v1/lattice/$"), lambda m, q, b, u: lattice_graph(q)),
]


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    base = f"http://{environ.get('HTTP_HOST', '127.0.0.1')}"
    for pattern, handler in ROUTES:
        match = pattern.match(path)
        if match:
            qs = environ.get("QUERY_STRING", "")
            body = handler(match, query, base, base + path + ("?" + qs if qs else ""))
            if body is not None:
                data = dumps(body)
                start_response(
                    "200 OK",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
                )
                return [data]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
