import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from curation.member_lists import (
    MEMORANDUM_FIELDS,
    NETWORK_FIELDS,
    STATUS_ROLES,
    ListError,
    guess_columns,
    plan_member_list,
    read_table,
)
from curation.services import ImportRefused, import_member_list
from networks.models import Memorandum, Network, Role
from sources.models import validate_http_url


class Command(BaseCommand):
    help = (
        "Apply a network's published member list (CSV or XLSX), or with --memorandum a "
        "memorandum's signatory list: print every change it makes, then make them all in "
        "one transaction as one change set citing the list. A list with any invalid row "
        "writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="Slug of the network (or memorandum, --memorandum).")
        parser.add_argument("file", help="The list: .csv or .xlsx, column names in the first row.")
        parser.add_argument("--source", required=True, help="URL the list is published at.")
        parser.add_argument("--title", default="", help="Title of the list's page or file.")
        parser.add_argument("--publisher", default="", help="Who publishes the list.")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date the list describes (YYYY-MM-DD; default today). Missing members' "
            "memberships end on it.",
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="Leave members missing from the list alone (default: end their memberships).",
        )
        parser.add_argument(
            "--role",
            default=Role.MEMBER,
            choices=[r.value for r in STATUS_ROLES],
            help="Role of rows without a role column (default: member).",
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Which column holds what, e.g. --column name='Member authority' (repeatable; "
            "unmapped fields are recognised by column name).",
        )
        parser.add_argument("--reason", default="", help="Why (shown on the changes page).")
        parser.add_argument("--memorandum", action="store_true", help="TARGET is a memorandum.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )

    def handle(self, *args, **options):
        model = Memorandum if options["memorandum"] else Network
        target = model.objects.filter(slug=options["target"]).first()
        if target is None:
            raise CommandError(f"No {model._meta.verbose_name} with slug {options['target']!r}.")
        try:
            validate_http_url(options["source"])
        except ValidationError as exc:
            raise CommandError(f"--source must be an http(s) URL: {options['source']!r}") from exc
        path = Path(options["file"])
        try:
            table = read_table(path.name, path.read_bytes())
        except (OSError, ListError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        fields = MEMORANDUM_FIELDS if options["memorandum"] else NETWORK_FIELDS
        columns = guess_columns(table.headers, fields)
        for item in options["column"]:
            field, _sep, header = item.partition("=")
            if field not in fields:
                raise CommandError(f"Unknown field {field!r} (fields: {', '.join(fields)}).")
            if header not in table.headers:
                raise CommandError(
                    f"No column {header!r} in {path.name} (columns: {', '.join(table.headers)})."
                )
            columns = {f: h for f, h in columns.items() if h != header}
            columns[field] = header
        arguments = {
            "target": target,
            "table": table,
            "columns": columns,
            "list_date": options["date"] or timezone.localdate(),
            "end_missing": not options["keep_missing"],
            "default_role": options["role"],
        }
        plan = plan_member_list(**arguments)
        self._print(plan)
        if plan.errors:
            raise CommandError(
                f"{len(plan.errors)} problem(s) in {path.name}; nothing was written."
            )
        try:
            plan, change_set = import_member_list(
                **arguments,
                source_url=options["source"],
                source_title=options["title"],
                source_publisher=options["publisher"],
                reason=options["reason"],
                expected_fingerprint=plan.fingerprint(),
                dry_run=options["dry_run"],
            )
        except ImportRefused as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        summary = ", ".join(f"{label}: {count}" for label, count in plan.counts()) or "nothing"
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"Dry run, nothing written. Would do: {summary}."))
        elif change_set is None:
            self.stdout.write(
                self.style.SUCCESS("The list matches the directory: nothing changed.")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Applied as change set #{change_set.pk}: {summary}.")
            )

    def _print(self, plan) -> None:
        columns = ", ".join(f"{field}={header!r}" for field, header in plan.columns.items())
        self.stdout.write(f"Columns: {columns or 'none recognised'}")
        for action in plan.actions:
            where = f"row {action.row.number}" if action.row else "not listed"
            changes = "; ".join(
                f"{k}: {a or '—'} → {b or '—'}" for k, (a, b) in action.changes.items()
            )
            how = (
                f" (matched by {action.row.matched_by})"
                if action.row and action.row.matched_by
                else ""
            )
            self.stdout.write(
                f"{where}: {action.kind_display}: {action.member}{how}"
                + (f" [{changes}]" if changes else "")
            )
        for error in plan.errors:
            self.stderr.write(str(error))
