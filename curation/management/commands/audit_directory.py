from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation import audit as audit_


class Command(BaseCommand):
    help = (
        "Audit the directory: count every suspicious fact per class (a membership starting "
        "before its member existed, a network without members, a date later than its "
        "source...). With --baseline, fail when a count rises above the committed figures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verbose", action="store_true", help="List every suspicious fact under its class."
        )
        parser.add_argument(
            "--baseline",
            metavar="FILE",
            help="JSON counts per class (e.g. data/audit-baseline.json): exit non-zero when "
            "any count is above its figure there.",
        )
        parser.add_argument(
            "--write-baseline",
            metavar="FILE",
            help="Write the counts found to FILE, as the new baseline.",
        )

    def handle(self, *args, **options):
        verbose, baseline = options["verbose"], options["baseline"]
        report = audit_.audit()
        counts = report.counts()
        width = max(len(key) for key in audit_.CLASSES)
        self.stdout.write(f"{'class'.ljust(width)}  count  what")
        for key, label in audit_.CLASSES.items():
            self.stdout.write(f"{key.ljust(width)}  {counts[key]:>5}  {label}")
            if verbose:
                for finding in report.findings[key]:
                    self.stdout.write(f"    {finding}")
        self.stdout.write(f"{'total'.ljust(width)}  {sum(counts.values()):>5}")
        if options["write_baseline"]:
            path = Path(options["write_baseline"])
            audit_.write_baseline(path, report)
            self.stdout.write(self.style.SUCCESS(f"Baseline written to {path}."))
        if baseline:
            try:
                figures = audit_.read_baseline(Path(baseline))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the baseline {baseline}: {exc}") from exc
            risen = report.rises_above(figures)
            lowered = {k: (figures[k], c) for k, c in counts.items() if c < figures.get(k, 0)}
            for key, (was, now) in lowered.items():
                self.stdout.write(
                    f"{key}: {now}, below the baseline's {was}: lower it in {baseline}."
                )
            if risen:
                for key, (was, now) in risen.items():
                    self.stderr.write(f"{key}: {now}, above the baseline's {was}.")
                raise CommandError(
                    f"{len(risen)} class(es) rose above {baseline}; "
                    "run with --verbose to see the facts."
                )
            self.stdout.write(self.style.SUCCESS(f"No count is above {baseline}."))
