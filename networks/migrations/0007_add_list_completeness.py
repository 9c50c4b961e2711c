
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('networks', '0006_add_network_succession'),
        ('sources', '0005_source_as_of_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmemorandum',
            name='list_as_of',
            field=models.DateField(blank=True, help_text="The date of the official list or total (by default its source's date).", null=True),
        ),
        migrations.AddField(
            model_name='historicalmemorandum',
            name='list_note',
            field=models.TextField(blank=True, help_text='What the source says of the total, and any caveat.'),
        ),
        migrations.AddField(
            model_name='historicalmemorandum',
            name='list_source',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source of the official list or total.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source'),
        ),
        migrations.AddField(
            model_name='historicalmemorandum',
            name='list_status',
            field=models.CharField(choices=[('complete', 'Complete'), ('partial', 'Partial'), ('unknown', 'Unknown')], default='unknown', help_text='How complete our list is: complete (it equals an official list of the date given), partial (we hold fewer than the official total) or unknown.', max_length=8),
        ),
        migrations.AddField(
            model_name='historicalmemorandum',
            name='list_total',
            field=models.PositiveIntegerField(blank=True, help_text='The official total M the source gives (empty when none is known).', null=True),
        ),
        migrations.AddField(
            model_name='historicalmemorandum',
            name='list_total_qualifier',
            field=models.CharField(choices=[('exact', 'exactly'), ('about', 'about'), ('more_than', 'more than'), ('up_to', 'up to')], default='exact', help_text='How the source words the total: exactly, about, more than or up to that number.', max_length=9),
        ),
        migrations.AddField(
            model_name='historicalmemorandum',
            name='list_unit',
            field=models.CharField(blank=True, help_text="What the official total counts when it is not what we list, e.g. 'jurisdictions'.", max_length=200),
        ),
        migrations.AddField(
            model_name='historicalnetwork',
            name='list_as_of',
            field=models.DateField(blank=True, help_text="The date of the official list or total (by default its source's date).", null=True),
        ),
        migrations.AddField(
            model_name='historicalnetwork',
            name='list_note',
            field=models.TextField(blank=True, help_text='What the source says of the total, and any caveat.'),
        ),
        migrations.AddField(
            model_name='historicalnetwork',
            name='list_source',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source of the official list or total.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sources.source'),
        ),
        migrations.AddField(
            model_name='historicalnetwork',
            name='list_status',
            field=models.CharField(choices=[('complete', 'Complete'), ('partial', 'Partial'), ('unknown', 'Unknown')], default='unknown', help_text='How complete our list is: complete (it equals an official list of the date given), partial (we hold fewer than the official total) or unknown.', max_length=8),
        ),
        migrations.AddField(
            model_name='historicalnetwork',
            name='list_total',
            field=models.PositiveIntegerField(blank=True, help_text='The official total M the source gives (empty when none is known).', null=True),
        ),
        migrations.AddField(
            model_name='historicalnetwork',
            name='list_total_qualifier',
            field=models.CharField(choices=[('exact', 'exactly'), ('about', 'about'), ('more_than', 'more than'), ('up_to', 'up to')], default='exact', help_text='How the source words the total: exactly, about, more than or up to that number.', max_length=9),
        ),
        migrations.AddField(
            model_name='historicalnetwork',
            name='list_unit',
            field=models.CharField(blank=True, help_text="What the official total counts when it is not what we list, e.g. 'jurisdictions'.", max_length=200),
        ),
        migrations.AddField(
            model_name='memorandum',
            name='list_as_of',
            field=models.DateField(blank=True, help_text="The date of the official list or total (by default its source's date).", null=True),
        ),
        migrations.AddField(
            model_name='memorandum',
            name='list_note',
            field=models.TextField(blank=True, help_text='What the source says of the total, and any caveat.'),
        ),
        migrations.AddField(
            model_name='memorandum',
            name='list_source',
            field=models.ForeignKey(blank=True, help_text='The source of the official list or total.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sources.source'),
        ),
        migrations.AddField(
            model_name='memorandum',
            name='list_status',
            field=models.CharField(choices=[('complete', 'Complete'), ('partial', 'Partial'), ('unknown', 'Unknown')], default='unknown', help_text='How complete our list is: complete (it equals an official list of the date given), partial (we hold fewer than the official total) or unknown.', max_length=8),
        ),
        migrations.AddField(
            model_name='memorandum',
            name='list_total',
            field=models.PositiveIntegerField(blank=True, help_text='The official total M the source gives (empty when none is known).', null=True),
        ),
        migrations.AddField(
            model_name='memorandum',
            name='list_total_qualifier',
            field=models.CharField(choices=[('exact', 'exactly'), ('about', 'about'), ('more_than', 'more than'), ('up_to', 'up to')], default='exact', help_text='How the source words the total: exactly, about, more than or up to that number.', max_length=9),
        ),
        migrations.AddField(
            model_name='memorandum',
            name='list_unit',
            field=models.CharField(blank=True, help_text="What the official total counts when it is not what we list, e.g. 'jurisdictions'.", max_length=200),
        ),
        migrations.AddField(
            model_name='network',
            name='list_as_of',
            field=models.DateField(blank=True, help_text="The date of the official list or total (by default its source's date).", null=True),
        ),
        migrations.AddField(
            model_name='network',
            name='list_note',
            field=models.TextField(blank=True, help_text='What the source says of the total, and any caveat.'),
        ),
        migrations.AddField(
            model_name='network',
            name='list_source',
            field=models.ForeignKey(blank=True, help_text='The source of the official list or total.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sources.source'),
        ),
        migrations.AddField(
            model_name='network',
            name='list_status',
            field=models.CharField(choices=[('complete', 'Complete'), ('partial', 'Partial'), ('unknown', 'Unknown')], default='unknown', help_text='How complete our list is: complete (it equals an official list of the date given), partial (we hold fewer than the official total) or unknown.', max_length=8),
        ),
        migrations.AddField(
            model_name='network',
            name='list_total',
            field=models.PositiveIntegerField(blank=True, help_text='The official total M the source gives (empty when none is known).', null=True),
        ),
        migrations.AddField(
            model_name='network',
            name='list_total_qualifier',
            field=models.CharField(choices=[('exact', 'exactly'), ('about', 'about'), ('more_than', 'more than'), ('up_to', 'up to')], default='exact', help_text='How the source words the total: exactly, about, more than or up to that number.', max_length=9),
        ),
        migrations.AddField(
            model_name='network',
            name='list_unit',
            field=models.CharField(blank=True, help_text="What the official total counts when it is not what we list, e.g. 'jurisdictions'.", max_length=200),
        ),
        migrations.AddConstraint(
            model_name='memorandum',
            constraint=models.CheckConstraint(condition=models.Q(('list_status__in', ['complete', 'partial', 'unknown'])), name='memorandum_list_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='memorandum',
            constraint=models.CheckConstraint(condition=models.Q(('list_total_qualifier__in', ['exact', 'about', 'more_than', 'up_to'])), name='memorandum_list_qualifier_valid'),
        ),
        migrations.AddConstraint(
            model_name='memorandum',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('list_status', 'complete'), _negated=True), models.Q(('list_as_of__isnull', False), ('list_source__isnull', False)), _connector='OR'), name='memorandum_list_complete_sourced', violation_error_message='A complete list needs its source and date.'),
        ),
        migrations.AddConstraint(
            model_name='memorandum',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('list_status', 'partial'), _negated=True), ('list_total__isnull', False), _connector='OR'), name='memorandum_list_partial_total', violation_error_message='A partial list needs the official total.'),
        ),
        migrations.AddConstraint(
            model_name='memorandum',
            constraint=models.CheckConstraint(condition=models.Q(('list_total__isnull', True), ('list_source__isnull', False), _connector='OR'), name='memorandum_list_total_sourced', violation_error_message='An official total needs its source.'),
        ),
        migrations.AddConstraint(
            model_name='memorandum',
            constraint=models.CheckConstraint(condition=models.Q(('list_total_qualifier', 'exact'), ('list_total__isnull', False), _connector='OR'), name='memorandum_list_qualifier_needs_total', violation_error_message='Give the total the qualifier is about.'),
        ),
        migrations.AddConstraint(
            model_name='network',
            constraint=models.CheckConstraint(condition=models.Q(('list_status__in', ['complete', 'partial', 'unknown'])), name='network_list_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='network',
            constraint=models.CheckConstraint(condition=models.Q(('list_total_qualifier__in', ['exact', 'about', 'more_than', 'up_to'])), name='network_list_qualifier_valid'),
        ),
        migrations.AddConstraint(
            model_name='network',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('list_status', 'complete'), _negated=True), models.Q(('list_as_of__isnull', False), ('list_source__isnull', False)), _connector='OR'), name='network_list_complete_sourced', violation_error_message='A complete list needs its source and date.'),
        ),
        migrations.AddConstraint(
            model_name='network',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('list_status', 'partial'), _negated=True), ('list_total__isnull', False), _connector='OR'), name='network_list_partial_total', violation_error_message='A partial list needs the official total.'),
        ),
        migrations.AddConstraint(
            model_name='network',
            constraint=models.CheckConstraint(condition=models.Q(('list_total__isnull', True), ('list_source__isnull', False), _connector='OR'), name='network_list_total_sourced', violation_error_message='An official total needs its source.'),
        ),
        migrations.AddConstraint(
            model_name='network',
            constraint=models.CheckConstraint(condition=models.Q(('list_total_qualifier', 'exact'), ('list_total__isnull', False), _connector='OR'), name='network_list_qualifier_needs_total', violation_error_message='Give the total the qualifier is about.'),
        ),
    ]
