from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from links import services
from links.models import Link
from links.services.checker import HostBusy


class Command(BaseCommand):
    help = (
        "Check published links here and now, without a broker: sync the links with the "
        "published records, then check one batch of due links (oldest first), every due "
        "link (--stale) or every link (--all). Needs LINK_CHECK_ENABLED, except --dry-run."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--all", action="store_true", dest="check_all", help="Check every published link."
        )
        which.add_argument(
            "--stale",
            action="store_true",
            help="Check every link due for a check (default: one batch of them, "
            "LINK_CHECK_BATCH_SIZE).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be synced and checked; fetch and write nothing.",
        )

    def handle(self, *args, check_all: bool, stale: bool, dry_run: bool, **options):
        if not dry_run and not settings.LINK_CHECK_ENABLED:
            raise CommandError(
                "Link checking is off: set LINK_CHECK_ENABLED=1 to fetch links "
                "(or use --dry-run to see what would be checked)."
            )
        with transaction.atomic():
            sync = services.sync_links()
            links = Link.objects.order_by("pk") if check_all else Link.objects.due()
            ids_query = links.values_list("pk", flat=True)
            if not (check_all or stale):
                ids_query = ids_query[: settings.LINK_CHECK_BATCH_SIZE]
            ids = list(ids_query)
            if dry_run:
                urls = dict(Link.objects.filter(pk__in=ids).values_list("pk", "url"))
                transaction.set_rollback(True)
        synced = f"{sync.total} published links ({sync.added} new, {sync.removed} gone)"
        if dry_run:
            for link_id in ids:
                self.stdout.write(f"would check {urls[link_id]}")
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: {synced}; would check {len(ids)}; nothing fetched.")
            )
            return
        counts = {"working": 0, "failing": 0, "skipped": 0}
        for link_id in ids:
            try:
                outcome = services.check_link(link_id, force=True)
            except HostBusy:
                outcome = None
            if outcome is None:
                counts["skipped"] += 1
                continue
            counts["working" if outcome.ok else "failing"] += 1
            if options["verbosity"] >= 2 or not outcome.ok:
                verdict = outcome.status_code or ""
                if not outcome.ok:
                    verdict = f"{outcome.error_kind} {outcome.error_message}".strip()
                self.stdout.write(f"{'ok  ' if outcome.ok else 'FAIL'} {outcome.url} {verdict}")
        broken = Link.objects.broken().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{synced}; checked {counts['working'] + counts['failing']}: "
                f"{counts['working']} working, {counts['failing']} failing, "
                f"{counts['skipped']} skipped; {broken} broken in all."
            )
        )
