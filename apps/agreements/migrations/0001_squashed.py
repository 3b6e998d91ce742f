import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # The migrations of two branches and the merge between them, squashed while the
    # project is unreleased; a database that applied them keeps a consistent history.

    replaces = [
        ('agreements', '0001_initial'),
        ('agreements', '0002_workflow_fields'),
        ('agreements', '0003_public_order_index'),
        ('agreements', '0004_stored_corroboration'),
        ('agreements', '0004_admin_list_order'),
        ('agreements', '0005_merge_0004_admin_list_order_0004_stored_corroboration'),
    ]

    initial = True

    dependencies = [
        ('actors', '0001_initial'),
        ('editorial', '0001_initial'),
        ('editorial', '0003_content_version'),
        ('events', '0001_initial'),
        ('sources', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Agreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('slug', models.SlugField(max_length=200, unique=True)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('verified', 'Verified'), ('retracted', 'Retracted')], db_index=True, default='draft', max_length=20)),
                ('verified_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('notes', models.TextField(blank=True, help_text='For the desk only; never shown to readers.', verbose_name='internal notes')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('title', models.CharField(max_length=300)),
                ('kind', models.CharField(choices=[('joint_statement', 'Joint statement'), ('agreement', 'Agreement'), ('protocol', 'Protocol'), ('memorandum', 'Memorandum of understanding'), ('contract', 'Contract')], db_index=True, max_length=30)),
                ('documents', models.PositiveSmallIntegerField(default=1, help_text='More than one when the coverage reports a group (“six memoranda”).', verbose_name='number of documents')),
                ('signed_on', models.DateField(blank=True, db_index=True, null=True)),
                ('place', models.CharField(blank=True, max_length=200)),
                ('summary', models.TextField(blank=True)),
                ('document_url', models.URLField(blank=True, max_length=500, verbose_name='document URL')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='agreements', to='events.event')),
                ('parties', models.ManyToManyField(blank=True, related_name='agreements', to='actors.organization')),
                ('signatories', models.ManyToManyField(blank=True, related_name='agreements_signed', to='actors.person')),
                ('topics', models.ManyToManyField(blank=True, related_name='agreements', to='editorial.topic')),
                ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('verified_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-signed_on', 'title'],
                'permissions': [('verify_agreement', 'Can verify, send back and retract agreements')],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='AgreementCitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('excerpt', models.TextField(help_text='Copy the passage verbatim from the source.')),
                ('start', models.PositiveIntegerField(editable=False, help_text='Offset of the passage in the source body.')),
                ('end', models.PositiveIntegerField(editable=False)),
                ('stance', models.CharField(choices=[('supports', 'Supports'), ('contradicts', 'Contradicts'), ('mentions', 'Mentions')], default='supports', max_length=20)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='citations', to='agreements.agreement')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='sources.source')),
            ],
            options={
                'ordering': ['source', 'start'],
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['status', '-updated_at'], name='agreements__status_b1fbb8_idx'),
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['event', 'status'], name='agreements__event_i_afb239_idx'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'in_review', 'verified', 'retracted'])), name='agreement_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['joint_statement', 'agreement', 'protocol', 'memorandum', 'contract'])), name='agreement_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('documents__gte', 1)), name='agreement_documents_positive'),
        ),
        migrations.AddConstraint(
            model_name='agreementcitation',
            constraint=models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='agreementcitation_offsets_ordered'),
        ),
        migrations.AddConstraint(
            model_name='agreementcitation',
            constraint=models.CheckConstraint(condition=models.Q(('stance__in', ['supports', 'contradicts', 'mentions'])), name='agreementcitation_stance_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreementcitation',
            constraint=models.UniqueConstraint(fields=('agreement', 'source', 'start', 'end'), name='agreementcitation_unique_passage'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='correction',
            field=models.TextField(blank=True, editable=False, help_text='Shown to readers in place of a retracted entry.', verbose_name='correction note'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='retracted_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='agreement',
            name='review_note',
            field=models.TextField(blank=True, editable=False, help_text='Why an editor last sent it back.'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='submitted_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When it last went into review; the queue is oldest first.', null=True),
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['status', '-verified_at', '-id'], name='agreements__status_472411_idx'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='corroboration_level',
            field=models.CharField(choices=[('disputed', 'Disputed'), ('none', 'No source'), ('single', '1 source'), ('corroborated', '2 or more independent sources')], db_index=True, default='none', editable=False, max_length=12, serialize=False),
        ),
        migrations.AddField(
            model_name='agreement',
            name='supporting_sources',
            field=models.PositiveSmallIntegerField(default=0, editable=False, serialize=False),
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['-signed_on', 'title', '-id'], name='agreements__signed__7618d5_idx'),
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['status', '-signed_on', 'title', '-id'], name='agreements__status_f93071_idx'),
        ),
    ]
