"""Member-list imports: a curator's list applied to a network or memorandum.

All-or-nothing inside a transaction, and recorded as one change set
(sources.history.recording).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curation.member_lists import (
    ActionKind,
    ListError,
    MemberListPlan,
    Table,
    plan_member_list,
    read_table,
)
from curation.models import ImportJob, ImportStatus
from institutions.models import IdentifierScheme, Institution, InstitutionIdentifier
from networks.models import Membership, Memorandum, Network, Role, Signatory
from sources.bulk import BATCH, update_in_groups
from sources.history import recording, tracked_models
from sources.models import ChangeKind, ChangeSet, Source, SourcedModel
from sources.partial_dates import DatePrecision

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """The list was not applied; nothing was written."""

    def __init__(self, message: str, plan: MemberListPlan | None = None):
        self.plan = plan
        super().__init__(message)


def import_member_list(
    *,
    target: Network | Memorandum,
    table: Table,
    list_date: datetime.date,
    source_url: str,
    source_title: str = "",
    source_publisher: str = "",
    columns: dict[str, str] | None = None,
    end_missing: bool = True,
    default_role: str = Role.MEMBER,
    user: Any = None,
    reason: str = "",
    expected_fingerprint: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[MemberListPlan, ChangeSet | None]:
    """Apply a network's member list (or a memorandum's signatory list) in one step.

    The plan is computed again inside the transaction. Refused (ImportRefused, nothing
    written) when any row is invalid, or when `expected_fingerprint` (that of the plan the
    curator previewed) no longer matches: the directory changed since the preview. Every
    record the list touches cites one source, the list (its URL and date), and the whole
    import is one change set. With `dry_run`, the same checks run and nothing is written
    (no change set, no cache bump). `progress(done, total)` hears how far the writes
    got, batch by batch (see `_BulkWriter.write`).
    """
    arguments = {
        "target": target,
        "table": table,
        "columns": columns,
        "list_date": list_date,
        "end_missing": end_missing,
        "default_role": default_role,
    }
    if dry_run:
        return _checked_plan(arguments, expected_fingerprint), None
    with transaction.atomic():
        # Two curators importing lists for one network at once would each plan against a
        # state the other is changing: lock the target row for the duration.
        type(target).objects.select_for_update().filter(pk=target.pk).first()
        plan = _checked_plan(arguments, expected_fingerprint)
        try:
            with recording(kind=ChangeKind.IMPORT, reason=reason, user=user) as rec:
                source = _list_source(source_url, source_title, source_publisher, list_date)
                rec.source = source
                writer = _BulkWriter(source, progress)
                if plan.for_network:
                    _apply_network(plan, writer)
                else:
                    _apply_memorandum(plan, writer)
                writer.write(rec)
        except IntegrityError as exc:
            raise ImportRefused(
                _("The database refused the list: %(error)s") % {"error": exc}, plan
            ) from exc
    return plan, rec.change_set


def _checked_plan(arguments: dict, expected_fingerprint: str | None) -> MemberListPlan:
    """The plan, refused when a row is invalid or it is not the one previewed."""
    plan = plan_member_list(**arguments)
    if plan.errors:
        raise ImportRefused(
            _("The list has %(n)s invalid row(s); fix them and upload it again.")
            % {"n": len({e.row for e in plan.errors})},
            plan,
        )
    if expected_fingerprint is not None and plan.fingerprint() != expected_fingerprint:
        raise ImportRefused(
            _(
                "What the list would do changed since the preview (the columns or the "
                "directory); review the new preview."
            ),
            plan,
        )
    return plan


def _list_source(url: str, title: str, publisher: str, on: datetime.date) -> Source:
    """The list as a source; a known URL read again counts as read on the list's date."""
    source = Source.objects.filter(url=url).first()
    if source is None:
        source = Source(
            url=url, title=title[:300], publisher=publisher[:200], as_of=on, accessed_on=on
        )
        source.full_clean()
        source.save()
        return source
    changed = False
    if on > source.accessed_on:
        source.accessed_on, changed = on, True
    if on > source.as_of:  # the list describes its own date
        source.as_of, changed = on, True
    if title and not source.title:
        source.title, changed = title[:300], True
    if publisher and not source.publisher:
        source.publisher, changed = publisher[:200], True
    if changed:
        source.save()
    return source


class _BulkWriter:
    """An import's writes, gathered while the plan is walked and made in bulk.

    Saving record by record cost 17 queries and 9 cache writes a row (each save, its
    historical row, its sources and theirs; 41 and 12 with production's settings). Here
    each model's new records are inserted together, the changed ones updated together
    (`update_in_groups`), the citations of the list added together, and the change set
    gets one historical row per record, with its sources, from `Recording.record_bulk`:
    the history is the same as record-by-record saves would leave.
    """

    def __init__(self, source: Source, progress: Callable[[int, int], None] | None = None):
        self.source = source
        self.progress = progress
        self.created: dict[type, list] = defaultdict(list)
        # model -> pk -> (record, the fields to write)
        self.changed: dict[type, dict[Any, tuple[models.Model, set[str]]]] = defaultdict(dict)
        self.cite: dict[type, dict[Any, models.Model]] = defaultdict(dict)
        self.cited: dict[type, set] = {}

    def already_cited(self, model: type[models.Model], records: list) -> None:
        """Remember which of `records` cite the list already (one query)."""
        through = model.sources.through
        own = model._meta.get_field("sources").m2m_field_name()
        self.cited[model] = set(
            through.objects.filter(
                **{f"{own}__in": [r.pk for r in records]}, source=self.source
            ).values_list(f"{own}_id", flat=True)
        )

    def create(self, obj: models.Model) -> models.Model:
        self.created[type(obj)].append(obj)
        return obj

    def change(self, obj: models.Model, **values) -> None:
        """Set `values` on an existing record; it is written (and cites the list) later."""
        model = type(obj)
        _obj, fields = self.changed[model].setdefault(obj.pk, (obj, set()))
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                fields.add(name)
        if not fields:
            del self.changed[model][obj.pk]
        self.cite_list(obj)

    def cite_list(self, obj: models.Model) -> None:
        if obj.pk not in self.cited.get(type(obj), set()):
            self.cite[type(obj)][obj.pk] = obj

    def new_institution(self, row) -> Institution | Network:
        """The row's member; an institution the list adds is created with the others."""
        if row.member is not None:
            return row.member
        values = dict(row.new_institution)
        qid = values.pop("wikidata")
        institution = Institution(**values)
        # The plan checked the slug against the directory and the list; the database
        # checks the rest of the constraints. Checking them here would cost queries a row.
        institution.full_clean(
            exclude=["jurisdiction", "parent"], validate_unique=False, validate_constraints=False
        )
        self.create(institution)
        if qid:
            self.create(
                InstitutionIdentifier(
                    institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier=qid
                )
            )
        row.member = institution
        return institution

    def write(self, rec) -> None:
        """Insert, update and cite, parents first; then one version of each record.

        `progress(done, total)` hears of each batch: a record counts once when written
        and once when its version is.
        """
        models_in_order = tracked_models()
        changed = {
            model: {pk: obj for pk, (obj, _f) in self.changed.get(model, {}).items()}
            | self.cite.get(model, {})
            for model in models_in_order
        }
        total = 2 * sum(len(self.created.get(m, [])) + len(changed[m]) for m in models_in_order)
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if self.progress is not None and count:
                self.progress(done, total)

        if self.progress is not None:
            self.progress(0, total)
        for model in models_in_order:
            # Changes first: a record the list ends may stand in the way of one it adds.
            updates = self.changed.get(model, {}).values()
            update_in_groups(model, updates, written=advance)
            advance(len(changed[model]) - len(updates))
            created = self.created.get(model, [])
            for start in range(0, len(created), BATCH):
                batch = created[start : start + BATCH]
                model._default_manager.bulk_create(batch)
                advance(len(batch))
            citing = [o for o in created if isinstance(o, SourcedModel)]
            citing += list(self.cite.get(model, {}).values())
            if citing:
                through = model.sources.through
                own = model._meta.get_field("sources").m2m_field_name()
                through.objects.bulk_create(
                    [through(**{f"{own}_id": o.pk, "source_id": self.source.pk}) for o in citing],
                    batch_size=BATCH,
                )
        for model in models_in_order:
            for history_type, objs in (
                ("+", self.created.get(model, [])),
                ("~", list(changed[model].values())),
            ):
                for start in range(0, len(objs), BATCH):
                    batch = objs[start : start + BATCH]
                    rec.record_bulk(model, batch, history_type)
                    advance(len(batch))


def _apply_network(plan: MemberListPlan, writer: _BulkWriter) -> None:
    on = plan.list_date
    writer.already_cited(Membership, [a.record for a in plan.actions if a.record is not None])

    def verified(m: Membership, **changes) -> None:
        """Write what changed, mark it verified on the list's date, cite the list."""
        writer.change(m, **changes, last_verified_on=on)

    def create(row, **values) -> None:
        member = writer.new_institution(row)
        kind = "member_network" if isinstance(member, Network) else "member_institution"
        writer.create(
            Membership(
                network=plan.target,
                role=row.role,
                label=row.label,
                last_verified_on=on,
                **{kind: member},
                **values,
            )
        )

    for action in plan.actions:
        row, m = action.row, action.record
        if action.kind == ActionKind.CONFIRM:
            verified(m)
        elif action.kind == ActionKind.UPDATE:
            changes = {}
            if "label" in action.changes:
                changes["label"] = row.label
            if "start_date" in action.changes:
                changes.update(start_date=row.date, start_date_precision=row.date_precision)
            verified(m, **changes)
        elif action.kind == ActionKind.END:
            verified(m, end_date=on, end_date_precision=DatePrecision.DAY)
        elif action.kind == ActionKind.ROLE:
            verified(m, end_date=on, end_date_precision=DatePrecision.DAY)
            create(row, start_date=on, start_date_precision=DatePrecision.DAY)
        elif action.kind == ActionKind.ADD:
            create(row, start_date=row.date, start_date_precision=row.date_precision)


def _apply_memorandum(plan: MemberListPlan, writer: _BulkWriter) -> None:
    writer.already_cited(Signatory, [a.record for a in plan.actions if a.record is not None])
    for action in plan.actions:
        row, s = action.row, action.record
        if action.kind == ActionKind.ADD:
            writer.create(
                Signatory(
                    memorandum=plan.target,
                    institution=writer.new_institution(row),
                    signed_on=row.date,
                    signed_on_precision=row.date_precision,
                    tier=row.tier,
                )
            )
            continue
        changes: dict[str, Any] = {}
        if action.kind in (ActionKind.UPDATE, ActionKind.REJOIN):
            if "tier" in action.changes:
                changes["tier"] = row.tier
            if "signed_on" in action.changes:
                changes.update(signed_on=row.date, signed_on_precision=row.date_precision)
            if action.kind == ActionKind.REJOIN:
                changes["withdrawn_on"] = None
        elif action.kind == ActionKind.WITHDRAW:
            changes["withdrawn_on"] = plan.list_date
        elif action.kind != ActionKind.CONFIRM:
            continue
        writer.change(s, **changes)


# --- Lists applied in the background ------------------------------------------------------


# Seconds an attempt at a job may last (the task's hard time limit). 5,000 rows take
# well under a minute.
JOB_TIME_LIMIT = 30 * 60


def queue_import_job(
    *,
    target: Network | Memorandum,
    file_name: str,
    content: bytes,
    rows: int,
    options: dict[str, Any],
    user: Any = None,
) -> ImportJob:
    """Save a list to be applied by a worker; the task is sent once the job is committed.

    `options` are `import_member_list`'s arguments as the curator previewed them
    (columns, list_date as ISO text, end_missing, default_role, source_url,
    source_title, source_publisher, reason, expected_fingerprint).
    """
    from curation.tasks import apply_member_list

    job = ImportJob.objects.create(
        network=target if isinstance(target, Network) else None,
        memorandum=target if isinstance(target, Memorandum) else None,
        user=user if getattr(user, "is_authenticated", False) else None,
        file_name=file_name[:255],
        content=content,
        rows_total=rows,
        options=options,
    )
    transaction.on_commit(lambda: apply_member_list.delay(job.pk))
    return job


def run_import_job(job_id: int) -> str:
    """Apply a queued list (the task's body); its outcome is written to the job.

    A job is run once: a second delivery of the task finds it no longer queued. Unless
    it was left running longer than an attempt may last (JOB_TIME_LIMIT, the task's hard
    limit): the worker died, its transaction rolled back, and the job is run again.
    """
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            models.Q(status=ImportStatus.QUEUED)
            | models.Q(
                status=ImportStatus.RUNNING,
                started_at__lt=now - datetime.timedelta(seconds=JOB_TIME_LIMIT),
            )
        )
        .update(status=ImportStatus.RUNNING, started_at=now, records_done=0, records_total=0)
    )
    if not claimed:
        return "not queued"
    job = ImportJob.objects.select_related("network", "memorandum", "user").get(pk=job_id)
    options = dict(job.options)
    reporter = _Progress(job)
    try:
        plan, change_set = import_member_list(
            target=job.target,
            table=read_table(job.file_name, bytes(job.content)),
            columns=options.pop("columns", None),
            list_date=datetime.date.fromisoformat(options.pop("list_date")),
            user=job.user,
            progress=reporter,
            **options,
        )
    except (ImportRefused, ListError) as exc:
        plan = getattr(exc, "plan", None)
        job.status, job.error = ImportStatus.FAILED, str(exc)
        job.problems = [str(e) for e in plan.errors[:200]] if plan is not None else []
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        job.status = ImportStatus.FAILED
        job.error = _("The list could not be applied: %(error)s") % {"error": exc}
    else:
        job.status, job.change_set = ImportStatus.DONE, change_set
        job.summary = [[str(label), count] for label, count in plan.counts()]
        job.records_done = job.records_total
    finally:
        reporter.close()
    job.finished_at = timezone.now()
    job.content = b""  # applied or refused, the upload is not kept
    job.save()
    return job.status


class _Progress:
    """Writes a job's progress where the admin can read it while the import runs.

    The import is one transaction, whose writes no one else sees before it commits; so
    progress goes through a second connection of its own, in autocommit. Only on
    PostgreSQL: SQLite has one writer at a time, which the import is. Elsewhere, and
    when the job itself is not committed yet (a test's transaction), progress is kept
    in memory and saved with the result.
    """

    # At most one progress write per this many seconds (and one at the end).
    EVERY = 0.5

    def __init__(self, job: ImportJob):
        self.job = job
        self.connection = None
        self.last = 0.0
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, total: int) -> None:
        self.job.records_done, self.job.records_total = done, total
        now = time.monotonic()
        if self.connection is None or (now - self.last < self.EVERY and done < total):
            return
        self.last = now
        table = connection.ops.quote_name(ImportJob._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET records_done = %s, records_total = %s WHERE id = %s",
                [done, total, self.job.pk],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
