"""Let the "Curators" group review the suggestions from Wikidata.

View to list them; change because accepting or rejecting one (and completing a new
institution's jurisdiction and branch) is a change. The command makes them, so no add;
a decided suggestion is kept (it stops the command proposing it again), so no delete.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"
CODENAMES = ["view_suggestion", "change_suggestion"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate); make
    # sure they exist now, on a fresh database.
    app_config = apps.get_app_config("curation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label="curation", codename=codename)
            for codename in CODENAMES
        ]
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="curation", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("networks", "0002_curators_group"),
        ("curation", "0002_add_wikidata_suggestions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
