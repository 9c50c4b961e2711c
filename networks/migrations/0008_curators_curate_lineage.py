"""Curators curate lineage (successions of institutions and of networks) as every other
record, and read its history (#14)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"
CURATED = {"institutions": ["institutionsuccession"], "networks": ["networksuccession"]}
VIEW_ONLY = {
    "institutions": ["historicalinstitutionsuccession"],
    "networks": ["historicalnetworksuccession"],
}
ACTIONS = ["add", "change", "delete", "view"]


def _permissions(apps):
    for app_label in CURATED:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (app, f"{action}_{model}")
        for app, models in CURATED.items()
        for model in models
        for action in ACTIONS
    ]
    wanted += [(app, f"view_{model}") for app, models in VIEW_ONLY.items() for model in models]
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in wanted
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
        ("institutions", "0005_add_succession"),
        ("networks", "0007_add_list_completeness"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
