
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('institutions', '0005_add_succession'),
        ('networks', '0005_history_baseline'),
        ('sources', '0005_source_as_of_required'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalNetworkSuccession',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(blank=True, editable=False, help_text='When this record was created.')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, help_text='When this record last changed.')),
                ('kind', models.CharField(choices=[('renamed', 'Renamed'), ('merged_into', 'Merged into'), ('split_into', 'Split into'), ('replaced_by', 'Replaced by'), ('absorbed_by', 'Absorbed by')], help_text='How the successor followed the predecessor: renamed, merged into (with other bodies), split into (with other successors), replaced by, or absorbed by an existing body.', max_length=12)),
                ('former_name', models.CharField(blank=True, help_text='For a renaming within one record (no predecessor record): the name it had before. Empty otherwise.', max_length=300)),
                ('date', models.DateField(blank=True, help_text='When the succession took effect (empty when the source gives no date).', null=True)),
                ('date_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='day', help_text='How precisely date is known: a year-only date is stored as 1 January of that year and shown as the year alone.', max_length=5)),
                ('note', models.TextField(blank=True, help_text='What the source says, where its exact words matter.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical succession of networks',
                'verbose_name_plural': 'historical successions of networks',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalNetworkSuccession_sources',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalNetworkSuccession_sources',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='NetworkSuccession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='When this record was created.')),
                ('updated_at', models.DateTimeField(auto_now=True, help_text='When this record last changed.')),
                ('kind', models.CharField(choices=[('renamed', 'Renamed'), ('merged_into', 'Merged into'), ('split_into', 'Split into'), ('replaced_by', 'Replaced by'), ('absorbed_by', 'Absorbed by')], help_text='How the successor followed the predecessor: renamed, merged into (with other bodies), split into (with other successors), replaced by, or absorbed by an existing body.', max_length=12)),
                ('former_name', models.CharField(blank=True, help_text='For a renaming within one record (no predecessor record): the name it had before. Empty otherwise.', max_length=300)),
                ('date', models.DateField(blank=True, help_text='When the succession took effect (empty when the source gives no date).', null=True)),
                ('date_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='day', help_text='How precisely date is known: a year-only date is stored as 1 January of that year and shown as the year alone.', max_length=5)),
                ('note', models.TextField(blank=True, help_text='What the source says, where its exact words matter.')),
            ],
            options={
                'verbose_name': 'succession of networks',
                'verbose_name_plural': 'successions of networks',
                'ordering': ['date', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='historicalnetworksuccession',
            name='change_set',
            field=models.ForeignKey(blank=True, help_text='The curator action this version was written by.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sources.changeset'),
        ),
        migrations.AddField(
            model_name='historicalnetworksuccession',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalnetworksuccession',
            name='predecessor',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The network that came before (empty for a renaming within one record, with its former name).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='networks.network'),
        ),
        migrations.AddField(
            model_name='historicalnetworksuccession',
            name='successor',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The network that followed it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='networks.network'),
        ),
        migrations.AddField(
            model_name='historicalnetworksuccession_sources',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='networks.historicalnetworksuccession'),
        ),
        migrations.AddField(
            model_name='historicalnetworksuccession_sources',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source'),
        ),
        migrations.AddField(
            model_name='networksuccession',
            name='predecessor',
            field=models.ForeignKey(blank=True, help_text='The network that came before (empty for a renaming within one record, with its former name).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='successor_links', to='networks.network'),
        ),
        migrations.AddField(
            model_name='networksuccession',
            name='sources',
            field=models.ManyToManyField(help_text='Documents that support this record (at least one).', related_name='%(app_label)s_%(class)s_set', to='sources.source'),
        ),
        migrations.AddField(
            model_name='networksuccession',
            name='successor',
            field=models.ForeignKey(help_text='The network that followed it.', on_delete=django.db.models.deletion.PROTECT, related_name='predecessor_links', to='networks.network'),
        ),
        migrations.AddField(
            model_name='historicalnetworksuccession_sources',
            name='networksuccession',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='networks.networksuccession'),
        ),
        migrations.AddConstraint(
            model_name='networksuccession',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['renamed', 'merged_into', 'split_into', 'replaced_by', 'absorbed_by'])), name='network_succession_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='networksuccession',
            constraint=models.CheckConstraint(condition=models.Q(('predecessor__isnull', True), models.Q(('predecessor', models.F('successor')), _negated=True), _connector='OR'), name='network_succession_not_itself', violation_error_message='A body cannot succeed itself.'),
        ),
        migrations.AddConstraint(
            model_name='networksuccession',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('former_name', ''), ('predecessor__isnull', False)), models.Q(('former_name__gt', ''), ('kind', 'renamed'), ('predecessor__isnull', True)), _connector='OR'), name='network_succession_predecessor_or_former_name', violation_error_message='Give the predecessor, or (for a renaming within one record) its former name.'),
        ),
        migrations.AddConstraint(
            model_name='networksuccession',
            constraint=models.UniqueConstraint(condition=models.Q(('predecessor__isnull', False)), fields=('predecessor', 'successor'), name='network_succession_unique', violation_error_message='This succession is already recorded.'),
        ),
        migrations.AddConstraint(
            model_name='networksuccession',
            constraint=models.UniqueConstraint(condition=models.Q(('predecessor__isnull', True)), fields=('successor', 'former_name'), name='network_succession_unique_former_name', violation_error_message='This former name is already recorded.'),
        ),
        migrations.AddConstraint(
            model_name='networksuccession',
            constraint=models.CheckConstraint(condition=models.Q(('date__isnull', True), ('date_precision', 'day'), models.Q(('date__day', 1), ('date_precision', 'month')), models.Q(('date__day', 1), ('date__month', 1), ('date_precision', 'year')), _connector='OR'), name='network_succession_date_precision', violation_error_message='A date known only to the month or year must be stored as the first day of that month or year.'),
        ),
    ]
