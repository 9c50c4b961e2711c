from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.backup import BackupError, export_directory


class Command(BaseCommand):
    help = (
        "Write the whole directory, history included, to a folder of JSON Lines files with a "
        "manifest (counts, checksums, versions). Restore it with import_directory."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="Folder to write (created; must be empty).")

    def handle(self, *args, out: str, **options):
        try:
            manifest = export_directory(Path(out))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(f["rows"] for f in manifest["files"])
        self.stdout.write(
            self.style.SUCCESS(f"Exported {rows} rows in {len(manifest['files'])} files to {out}.")
        )
