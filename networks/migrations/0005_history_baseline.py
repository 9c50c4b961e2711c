"""Give every record that predates change history a first version.

Change history starts with 0003. A database that already held records would otherwise
have records without any version: their first edit could not be compared or undone.
This writes one "created" version (with the sources it cites) for each such record, in
one change set. On a new, empty database it does nothing. Reversing removes only that
change set's versions.
"""

from django.db import migrations
from django.utils import timezone

REASON = "History begins: the directory as it was when change history was first kept."
# (app, model, cites sources), parents before children.
MODELS = [
    ("sources", "Source", False),
    ("institutions", "Jurisdiction", False),
    ("institutions", "Institution", True),
    ("institutions", "InstitutionName", False),
    ("institutions", "InstitutionIdentifier", False),
    ("institutions", "InstitutionRedirect", False),
    ("networks", "Network", True),
    ("networks", "Membership", True),
    ("networks", "Memorandum", True),
    ("networks", "Signatory", True),
    ("networks", "Meeting", True),
    ("networks", "MeetingParticipant", False),
    ("networks", "OutcomeDocument", False),
]


def write_baseline(apps, schema_editor):
    ChangeSet = apps.get_model("sources", "ChangeSet")
    change_set = None
    for app_label, name, sourced in MODELS:
        model = apps.get_model(app_label, name)
        history = apps.get_model(app_label, f"Historical{name}")
        records = list(model.objects.exclude(pk__in=history.objects.values("id")))
        if not records:
            continue
        if change_set is None:
            change_set = ChangeSet.objects.create(
                created_at=timezone.now(), kind="load", reason=REASON, summary={}
            )
        fields = [f.attname for f in model._meta.concrete_fields]
        history.objects.bulk_create(
            [
                history(
                    history_date=change_set.created_at,
                    history_type="+",
                    history_change_reason=REASON,
                    change_set=change_set,
                    **{f: getattr(r, f) for f in fields},
                )
                for r in records
            ],
            batch_size=500,
        )
        if sourced:
            history_ids = dict(
                history.objects.filter(change_set=change_set).values_list("id", "history_id")
            )
            through = model._meta.get_field("sources").remote_field.through
            own = model._meta.model_name
            snapshot = apps.get_model(app_label, f"Historical{name}_sources")
            snapshot.objects.bulk_create(
                [
                    snapshot(history_id=history_ids[row[f"{own}_id"]], **row)
                    for row in through.objects.filter(
                        **{f"{own}_id__in": list(history_ids)}
                    ).values("id", f"{own}_id", "source_id")
                ],
                batch_size=500,
            )
        counts = change_set.summary.setdefault("counts", {})
        counts[f"{app_label}.{name.lower()}"] = {"+": len(records)}
    if change_set is not None:
        change_set.summary["items"] = []
        change_set.save(update_fields=["summary"])


def remove_baseline(apps, schema_editor):
    ChangeSet = apps.get_model("sources", "ChangeSet")
    for change_set in ChangeSet.objects.filter(reason=REASON, kind="load"):
        for app_label, name, sourced in MODELS:
            history = apps.get_model(app_label, f"Historical{name}")
            versions = history.objects.filter(change_set=change_set)
            if sourced:
                apps.get_model(app_label, f"Historical{name}_sources").objects.filter(
                    history__in=versions
                ).delete()
            versions.delete()
        change_set.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_change_sets_and_history"),
        ("institutions", "0003_history_and_merge_redirects"),
        ("networks", "0004_curators_see_history"),
    ]

    operations = [migrations.RunPython(write_baseline, remove_baseline)]
