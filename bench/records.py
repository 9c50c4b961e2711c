"""The records every peer of the benchmark is asked about (bench/run.py for Lattice and
the floor, bench/datasette.py for Datasette): chosen once, by the same SQL, so that all
answer about the same network, jurisdiction and institution."""

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Records:
    largest: str  # slug of the network with the most memberships
    small: str  # slug of the first network with exactly 30
    jurisdiction_slug: str  # the jurisdiction with the most institutions
    jurisdiction_code: str
    institution: str  # slug of the 124th institution by id


def benchmarked(database_url: str) -> Records:
    with psycopg.connect(database_url) as conn:
        q = lambda sql: conn.execute(sql).fetchone()  # noqa: E731
        largest = q(
            "SELECT n.slug FROM networks_network n JOIN networks_membership m "
            "ON m.network_id = n.id GROUP BY n.id ORDER BY count(*) DESC, n.id LIMIT 1"
        )[0]
        small = q(
            "SELECT n.slug FROM networks_network n JOIN networks_membership m "
            "ON m.network_id = n.id GROUP BY n.id HAVING count(*) = 30 ORDER BY n.id LIMIT 1"
        )[0]
        jslug, jcode = q(
            "SELECT j.slug, j.code FROM institutions_jurisdiction j JOIN "
            "institutions_institution i ON i.jurisdiction_id = j.id "
            "GROUP BY j.id ORDER BY count(*) DESC, j.id LIMIT 1"
        )
        one = q("SELECT slug FROM institutions_institution ORDER BY id LIMIT 1 OFFSET 123")[0]
    return Records(largest, small, jslug, jcode, one)
