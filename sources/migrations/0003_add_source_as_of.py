from django.db import migrations, models

AS_OF_HELP = (
    "The date whose state of affairs the document describes: its own date, or for an undated "
    "page the latest date it reports. The facts citing it are true as of this date; none of "
    "them can be later. Empty on entry: the date it was read."
)


class Migration(migrations.Migration):
    """Source.as_of, the date a page describes, apart from the date it was read (#14)."""

    dependencies = [
        ("sources", "0002_change_sets_and_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="as_of",
            field=models.DateField(blank=True, null=True, help_text=AS_OF_HELP),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="as_of",
            field=models.DateField(blank=True, null=True, help_text=AS_OF_HELP),
        ),
        migrations.AlterField(
            model_name="source",
            name="accessed_on",
            field=models.DateField(help_text="When the document was read."),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="accessed_on",
            field=models.DateField(help_text="When the document was read."),
        ),
    ]
