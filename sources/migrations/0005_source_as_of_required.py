from django.db import migrations, models

AS_OF_HELP = (
    "The date whose state of affairs the document describes: its own date, or for an undated "
    "page the latest date it reports. The facts citing it are true as of this date; none of "
    "them can be later. Empty on entry: the date it was read."
)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_copy_source_as_of"),
    ]

    operations = [
        migrations.AlterField(
            model_name="source",
            name="as_of",
            field=models.DateField(blank=True, help_text=AS_OF_HELP),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="as_of",
            field=models.DateField(blank=True, help_text=AS_OF_HELP),
        ),
    ]
