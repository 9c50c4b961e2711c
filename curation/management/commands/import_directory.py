from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.backup import BackupError, import_directory


class Command(BaseCommand):
    help = (
        "Restore a folder written by export_directory into an empty database migrated to the "
        "same migrations. Refuses a database that already holds directory records."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Folder written by export_directory.")

    def handle(self, *args, path: str, **options):
        try:
            counts = import_directory(Path(path))
        except BackupError as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored {sum(counts.values())} rows in {len(counts)} tables.")
        )
