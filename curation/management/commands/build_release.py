from django.core.management.base import BaseCommand, CommandError

from curation.releases import ReleaseError, build_release, release_path


class Command(BaseCommand):
    help = (
        "Build and publish a new open-data release of the directory (CSV tables with a Data "
        "Package, Popolo JSON, GraphML, change files and checksums), validated with "
        "frictionless; earlier releases are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-validation",
            action="store_true",
            help="Publish without running frictionless (for a quick look; CI validates).",
        )

    def handle(self, *args, skip_validation: bool = False, **options):
        try:
            release = build_release(validate=not skip_validation)
        except ReleaseError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Release {release.version}: {len(release.files)} files in "
                f"{release_path(release.version)}/, {release.counts['changes']} changes since "
                "the previous release."
            )
        )
