"""Create the "Curators" group with exactly the permissions to curate records.

Curators add, change, delete and view the directory's records (sources,
jurisdictions, institutions, networks and everything hanging off them). They get no
permission on users, groups, sessions or other framework tables.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"

CURATED_MODELS = {
    "sources": ["source"],
    "institutions": ["jurisdiction", "institution", "institutionname", "institutionidentifier"],
    "networks": [
        "network",
        "membership",
        "memorandum",
        "signatory",
        "meeting",
        "meetingparticipant",
        "outcomedocument",
    ],
}
ACTIONS = ["add", "change", "delete", "view"]


def create_curators_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate); make
    # sure they exist now, on a fresh database.
    for app_label in CURATED_MODELS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [
        (app_label, f"{action}_{model}")
        for app_label, models in CURATED_MODELS.items()
        for model in models
        for action in ACTIONS
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in codenames
    ]
    group.permissions.set(permissions)


def delete_curators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
        ("institutions", "0001_initial"),
        ("networks", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_curators_group, delete_curators_group)]
