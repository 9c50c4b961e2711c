import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curation.wikidata import WikidataFileError, propose, read_file


class Command(BaseCommand):
    help = (
        "Read Wikidata JSON dump files or SPARQL JSON result files and propose candidate "
        "institutions, institutions' QIDs and memberships (P463 with P580/P582) to the "
        "curators' review queue (admin: Curation > Suggestions from Wikidata). Writes no "
        "record: a curator accepts or rejects each. A suggestion made before, whatever "
        "became of it, is not made again. A file that cannot be read proposes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="+",
            help="Dump (.json, .json.gz, .json.bz2) or SPARQL result (.json) files.",
        )
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date of the dump or query (YYYY-MM-DD), the date accepted facts' "
            "source is of. Default: each file's modification date (UTC).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be proposed; write nothing."
        )

    def handle(self, *args, **options):
        read = []
        # Every file is read before anything is proposed: a broken one proposes nothing.
        for name in options["files"]:
            path = Path(name)
            try:
                items = read_file(path)
            except WikidataFileError as exc:
                raise CommandError(str(exc)) from exc
            as_of = (
                options["as_of"]
                or datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC).date()
            )
            read.append((path, items, as_of))
        with transaction.atomic():
            for path, items, as_of in read:
                proposal = propose(
                    items, as_of=as_of, file_name=path.name, dry_run=options["dry_run"]
                )
                summary = proposal.summary(dry_run=options["dry_run"])
                self.stdout.write(
                    f"{path.name} ({len(items)} items with P463, as of {as_of}): {summary}"
                )
