"""Curators may read every record's history, the change sets and the merge redirects,
and undo change sets.

They could already curate every record (0002); with this they also see who changed
what and why, and can put things back. Importing lists needs no permission of its own:
it takes adding and changing memberships (or signatories) and adding sources, which
curators have. Users and groups remain out of their reach.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"

VIEW_ONLY = {
    "sources": ["historicalsource", "changeset"],
    "institutions": [
        "historicaljurisdiction",
        "historicalinstitution",
        "historicalinstitutionname",
        "historicalinstitutionidentifier",
        "historicalinstitutionredirect",
        "institutionredirect",
    ],
    "networks": [
        "historicalnetwork",
        "historicalmembership",
        "historicalmemorandum",
        "historicalsignatory",
        "historicalmeeting",
        "historicalmeetingparticipant",
        "historicaloutcomedocument",
    ],
}
EXTRA = [("sources", "undo_changeset")]


def _permissions(apps):
    for app_label in VIEW_ONLY:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    wanted = [(app, f"view_{model}") for app, models in VIEW_ONLY.items() for model in models]
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in [*wanted, *EXTRA]
    ]


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0002_change_sets_and_history"),
        ("institutions", "0003_history_and_merge_redirects"),
        ("networks", "0003_history"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
