from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curation.loader import DirectoryError, load_directory


class Command(BaseCommand):
    help = (
        "Load the curated dataset (data/ by default): validate every file, then write it "
        "in one transaction. Invalid data writes nothing and lists every problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "data"),
            help="Folder holding jurisdictions.yaml, institutions/, networks/, memoranda/ "
            "and lineage.yaml.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report changes; write nothing."
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete memberships, meetings and signatories of the dataset's networks and "
            "memoranda that the files no longer list (default: report and keep them).",
        )

    def handle(self, *args, path: str, dry_run: bool, prune: bool, **options):
        try:
            summary = load_directory(Path(path), dry_run=dry_run, prune=prune)
        except DirectoryError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) found in {path}; nothing was written."
            ) from exc
        for line in summary.lines():
            self.stdout.write(line)
        for line in summary.left_alone:
            self.stdout.write(self.style.WARNING(f"left alone: {line}"))
        for line in summary.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {line}"))
        prefix = "Dry run: " if dry_run else ""
        if summary.changed:
            verb = "would change" if dry_run else "changed"
            self.stdout.write(self.style.SUCCESS(f"{prefix}the directory {verb}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{prefix}nothing changed."))
