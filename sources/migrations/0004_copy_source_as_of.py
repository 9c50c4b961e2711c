from django.db import migrations
from django.db.models import F


def copy_accessed_on(apps, schema_editor):
    """Until now `accessed_on` held the loader's `as_of`: it is the best date known."""
    for name in ("Source", "HistoricalSource"):
        model = apps.get_model("sources", name)
        model.objects.filter(as_of__isnull=True).update(as_of=F("accessed_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_add_source_as_of"),
    ]

    operations = [
        # Backwards the column goes away with 0003; nothing to undo here.
        migrations.RunPython(copy_accessed_on, migrations.RunPython.noop),
    ]
