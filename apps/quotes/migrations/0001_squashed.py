import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # The migrations of two branches and the merge between them, squashed while the
    # project is unreleased; a database that applied them keeps a consistent history.

    replaces = [
        ('quotes', '0001_initial'),
        ('quotes', '0002_workflow_fields'),
        ('quotes', '0003_public_order_index'),
        ('quotes', '0004_stored_corroboration'),
        ('quotes', '0004_admin_list_order'),
        ('quotes', '0005_merge_0004_admin_list_order_0004_stored_corroboration'),
    ]

    initial = True

    dependencies = [
        ('actors', '0001_initial'),
        ('agreements', '0001_squashed'),
        ('editorial', '0001_initial'),
        ('editorial', '0003_content_version'),
        ('events', '0001_initial'),
        ('sources', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Quote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('slug', models.SlugField(max_length=200, unique=True)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('verified', 'Verified'), ('retracted', 'Retracted')], db_index=True, default='draft', max_length=20)),
                ('verified_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('notes', models.TextField(blank=True, help_text='For the desk only; never shown to readers.', verbose_name='internal notes')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('text', models.TextField(help_text='Verbatim, as the source prints it (without the quotation marks).')),
                ('said_on', models.DateField(blank=True, db_index=True, null=True)),
                ('language', models.CharField(default='en', help_text='Language of the text as recorded.', max_length=10)),
                ('is_partial', models.BooleanField(default=False, help_text='Only part of a sentence is quoted.', verbose_name='partial quote')),
                ('is_paraphrase', models.BooleanField(default=False, help_text='The source reports the words, not verbatim.')),
                ('context', models.TextField(blank=True, help_text='What was going on when it was said.')),
                ('agreements', models.ManyToManyField(blank=True, help_text='Agreements it refers to.', related_name='quotes', to='agreements.agreement')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('occasion', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quotes', to='events.event')),
                ('speaker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quotes', to='actors.person')),
                ('speaker_organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quotes', to='actors.organization')),
                ('speaker_statement', models.ForeignKey(blank=True, help_text="When the words are a joint statement's.", limit_choices_to={'kind': 'joint_statement'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quoted_in', to='agreements.agreement')),
                ('topics', models.ManyToManyField(blank=True, related_name='quotes', to='editorial.topic')),
                ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('verified_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-said_on', 'slug'],
                'permissions': [('verify_quote', 'Can verify, send back and retract quotes')],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='QuoteCitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('excerpt', models.TextField(help_text='Copy the passage verbatim from the source.')),
                ('start', models.PositiveIntegerField(editable=False, help_text='Offset of the passage in the source body.')),
                ('end', models.PositiveIntegerField(editable=False)),
                ('stance', models.CharField(choices=[('supports', 'Supports'), ('contradicts', 'Contradicts'), ('mentions', 'Mentions')], default='supports', max_length=20)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('quote', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='citations', to='quotes.quote')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='sources.source')),
            ],
            options={
                'ordering': ['source', 'start'],
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='quote',
            index=models.Index(fields=['status', '-updated_at'], name='quotes_quot_status_ad5bd8_idx'),
        ),
        migrations.AddIndex(
            model_name='quote',
            index=models.Index(fields=['speaker', 'status'], name='quotes_quot_speaker_bd0c69_idx'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'in_review', 'verified', 'retracted'])), name='quote_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('speaker__isnull', False), ('speaker_organization__isnull', True), ('speaker_statement__isnull', True)), models.Q(('speaker__isnull', True), ('speaker_organization__isnull', False), ('speaker_statement__isnull', True)), models.Q(('speaker__isnull', True), ('speaker_organization__isnull', True), ('speaker_statement__isnull', False)), _connector='OR'), name='quote_has_one_speaker'),
        ),
        migrations.AddConstraint(
            model_name='quotecitation',
            constraint=models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='quotecitation_offsets_ordered'),
        ),
        migrations.AddConstraint(
            model_name='quotecitation',
            constraint=models.CheckConstraint(condition=models.Q(('stance__in', ['supports', 'contradicts', 'mentions'])), name='quotecitation_stance_valid'),
        ),
        migrations.AddConstraint(
            model_name='quotecitation',
            constraint=models.UniqueConstraint(fields=('quote', 'source', 'start', 'end'), name='quotecitation_unique_passage'),
        ),
        migrations.AddField(
            model_name='quote',
            name='correction',
            field=models.TextField(blank=True, editable=False, help_text='Shown to readers in place of a retracted entry.', verbose_name='correction note'),
        ),
        migrations.AddField(
            model_name='quote',
            name='retracted_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='quote',
            name='review_note',
            field=models.TextField(blank=True, editable=False, help_text='Why an editor last sent it back.'),
        ),
        migrations.AddField(
            model_name='quote',
            name='submitted_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When it last went into review; the queue is oldest first.', null=True),
        ),
        migrations.AddIndex(
            model_name='quote',
            index=models.Index(fields=['status', '-verified_at', '-id'], name='quotes_quot_status_dc30ef_idx'),
        ),
        migrations.AddField(
            model_name='quote',
            name='corroboration_level',
            field=models.CharField(choices=[('disputed', 'Disputed'), ('none', 'No source'), ('single', '1 source'), ('corroborated', '2 or more independent sources')], db_index=True, default='none', editable=False, max_length=12, serialize=False),
        ),
        migrations.AddField(
            model_name='quote',
            name='supporting_sources',
            field=models.PositiveSmallIntegerField(default=0, editable=False, serialize=False),
        ),
        migrations.AddIndex(
            model_name='quote',
            index=models.Index(fields=['-said_on', 'slug'], name='quotes_quot_said_on_62ba46_idx'),
        ),
        migrations.AddIndex(
            model_name='quote',
            index=models.Index(fields=['status', '-said_on', 'slug'], name='quotes_quot_status_3188c9_idx'),
        ),
    ]
