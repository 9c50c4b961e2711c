"""Regenerate the reference tables of institutions/reference_data/ from the data packages they
are extracted from: country_converter and hdx-python-country, development dependencies only
(the `reference` dependency group).

The output is deterministic: the same package versions give byte-identical files. A file's
"generated" date in provenance.json moves only when its content or package version changes,
so a rerun with nothing new rewrites nothing.
"""

import csv
import datetime
import hashlib
import io
import json
from importlib import metadata, resources
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from institutions import reference

TAXONOMY_FILE = "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"


def _package_text(module: str, name: str) -> str:
    """A data file shipped inside a package (read as a file: no pandas, nothing fetched)."""
    try:
        return resources.files(module).joinpath(name).read_text("utf-8")
    except ModuleNotFoundError as exc:
        raise CommandError(
            f"{exc.name} is not installed: it is a development dependency "
            "(`make install`, or uv sync with the reference group)."
        ) from exc


def _csv_bytes(columns: tuple[str, ...], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def country_rows() -> list[list[str]]:
    """country_converter's table, cut to the columns Lattice reads, one row per state or
    territory with an ISO 3166-1 code, sorted by code."""
    text = _package_text("country_converter", "country_data.tsv")
    rows = []
    for record in csv.DictReader(io.StringIO(text), delimiter="\t"):
        # country_converter leaves obsolete entries (the Soviet Union, the Netherlands
        # Antilles...) out of its own conversions; none of them is a UN member.
        if record["obsolete"].strip():
            continue
        # A few rows hold a regular expression of accepted codes ("^GB$|^UK$"): the first
        # alternative is the ISO 3166-1 code.
        code = record["ISO2"].split("|")[0].strip("^$")
        if code:
            rows.append([code, *(record[column] for column in reference.COUNTRY_COLUMNS[1:])])
    return sorted(rows)


def income_rows() -> list[list[str]]:
    """The taxonomy's World Bank income level per ISO 3166-1 code, for the codes that have
    one, sorted by code."""
    levels = {}
    for row in csv.DictReader(io.StringIO(_package_text("hdx.location", TAXONOMY_FILE))):
        code = (row.get(reference.INCOME_CODE) or "").strip()
        level = (row.get(reference.INCOME_LEVEL) or "").strip()
        if code and level:
            levels[code] = level
    return [[code, level] for code, level in sorted(levels.items())]


def _licence(distribution: str) -> str:
    meta = metadata.metadata(distribution)
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return classifiers[0].rsplit(" :: ", 1)[-1] if classifiers else meta.get("License", "")


def build(previous: dict, today: datetime.date) -> dict[str, bytes]:
    """File name -> content: the two tables and their provenance. `previous` is the
    provenance already on disk, whose dates are kept for files that did not change."""
    tables = {
        reference.COUNTRIES_FILE: (
            "country_converter",
            "country_converter/country_data.tsv",
            "every state or territory with an ISO 3166-1 alpha-2 code that country_converter "
            "does not mark obsolete; ISO2 holds the ISO code alone (the source's '^GB$|^UK$' "
            "becomes GB)",
            _csv_bytes(reference.COUNTRY_COLUMNS, country_rows()),
        ),
        reference.INCOME_FILE: (
            "hdx-python-country",
            f"hdx/location/{TAXONOMY_FILE}",
            "every ISO 3166-1 alpha-2 code that OCHA's Countries & Territories Taxonomy gives a "
            "World Bank income level",
            _csv_bytes(reference.INCOME_COLUMNS, income_rows()),
        ),
    }
    files, provenance = {}, {}
    for name, (distribution, source, rows, content) in tables.items():
        meta = metadata.metadata(distribution)
        digest = hashlib.sha256(content).hexdigest()
        before = previous.get(name, {})
        unchanged = before.get("version") == meta["Version"] and before.get("sha256") == digest
        provenance[name] = {
            "package": meta["Name"],
            "version": meta["Version"],
            "licence": _licence(distribution),
            "source_file": source,
            "rows": rows,
            "generated": before["generated"] if unchanged else today.isoformat(),
            "generated_by": "manage.py build_reference_data",
            "sha256": digest,
        }
        files[name] = content
    files[reference.PROVENANCE_FILE] = (
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n"
    ).encode("utf-8")
    return files


class Command(BaseCommand):
    help = (
        "Regenerate institutions/reference_data/ (UN members and regions, G7, G20, OECD, EU, "
        "World Bank income groups) from country_converter and hdx-python-country."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=reference.DATA_DIR,
            help="Folder to write to (default: institutions/reference_data/).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if a file differs from what the installed packages give.",
        )

    def handle(self, *args, output: Path, check: bool, **options):
        known = output / reference.PROVENANCE_FILE
        previous = json.loads(known.read_text("utf-8")) if known.exists() else {}
        files = build(previous, datetime.datetime.now(datetime.UTC).date())
        changed = [
            name
            for name, content in files.items()
            if not (output / name).exists() or (output / name).read_bytes() != content
        ]
        if check:
            if changed:
                raise CommandError(
                    f"Out of date in {output}: {', '.join(changed)} "
                    "(run manage.py build_reference_data)."
                )
        else:
            output.mkdir(parents=True, exist_ok=True)
            for name in changed:
                (output / name).write_bytes(files[name])
        sources = json.loads(files[reference.PROVENANCE_FILE])
        summary = ", ".join(
            f"{name} from {entry['package']} {entry['version']}" for name, entry in sources.items()
        )
        verb = "would change" if check else "changed"
        self.stdout.write(f"{summary}; {len(changed)} file(s) {verb}.")
