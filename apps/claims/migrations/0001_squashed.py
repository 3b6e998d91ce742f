import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # The migrations of two branches and the merge between them, squashed while the
    # project is unreleased; a database that applied them keeps a consistent history.

    replaces = [
        ('claims', '0001_initial'),
        ('claims', '0002_workflow_fields'),
        ('claims', '0003_public_order_index'),
        ('claims', '0004_stored_corroboration'),
        ('claims', '0004_admin_list_order'),
        ('claims', '0005_merge_0004_admin_list_order_0004_stored_corroboration'),
    ]

    initial = True

    dependencies = [
        ('actors', '0001_initial'),
        ('agreements', '0001_squashed'),
        ('editorial', '0001_initial'),
        ('editorial', '0003_content_version'),
        ('events', '0001_initial'),
        ('quotes', '0001_squashed'),
        ('sources', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Claim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('slug', models.SlugField(max_length=200, unique=True)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('verified', 'Verified'), ('retracted', 'Retracted')], db_index=True, default='draft', max_length=20)),
                ('verified_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('notes', models.TextField(blank=True, help_text='For the desk only; never shown to readers.', verbose_name='internal notes')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('statement', models.TextField(help_text='One checkable assertion, in your words.')),
                ('credibility', models.PositiveSmallIntegerField(choices=[(1, '1 – confirmed by other sources'), (2, '2 – probably true'), (3, '3 – possibly true'), (4, '4 – doubtful'), (5, '5 – improbable'), (6, '6 – truth cannot be judged')], default=6)),
                ('quantity', models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True)),
                ('quantity_unit', models.CharField(blank=True, help_text='E.g. USD, %, agreements.', max_length=50)),
                ('quantity_qualifier', models.CharField(blank=True, choices=[('exactly', 'exactly'), ('about', 'about'), ('more_than', 'more than'), ('at_least', 'at least'), ('up_to', 'up to')], max_length=20)),
                ('quantity_period', models.CharField(blank=True, help_text='The date or period the number refers to: 2022, March 2023, by 2030.', max_length=50)),
                ('agreements', models.ManyToManyField(blank=True, related_name='claims', to='agreements.agreement')),
                ('attributed_to', models.ForeignKey(blank=True, help_text="When the coverage reports the claim as someone's assertion or allegation.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='claims_made', to='actors.person')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='events.event')),
                ('quotes', models.ManyToManyField(blank=True, related_name='claims', to='quotes.quote')),
                ('topics', models.ManyToManyField(blank=True, related_name='claims', to='editorial.topic')),
                ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('verified_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-updated_at'],
                'permissions': [('verify_claim', 'Can verify, send back and retract claims')],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ClaimCitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('excerpt', models.TextField(help_text='Copy the passage verbatim from the source.')),
                ('start', models.PositiveIntegerField(editable=False, help_text='Offset of the passage in the source body.')),
                ('end', models.PositiveIntegerField(editable=False)),
                ('stance', models.CharField(choices=[('supports', 'Supports'), ('contradicts', 'Contradicts'), ('mentions', 'Mentions')], default='supports', max_length=20)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='citations', to='claims.claim')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='sources.source')),
            ],
            options={
                'ordering': ['source', 'start'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ClaimRelation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('contradicts', 'contradicts'), ('refines', 'refines'), ('duplicates', 'duplicates')], max_length=20)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('from_claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='relations_from', to='claims.claim')),
                ('to_claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='relations_to', to='claims.claim')),
            ],
            options={
                'ordering': ['from_claim', 'kind', 'to_claim'],
            },
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['status', '-updated_at'], name='claims_clai_status_b21b46_idx'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['event', 'status'], name='claims_clai_event_i_1aae84_idx'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'in_review', 'verified', 'retracted'])), name='claim_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('credibility__gte', 1), ('credibility__lte', 6)), name='claim_credibility_valid'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('quantity_qualifier', ''), ('quantity_qualifier__in', ['exactly', 'about', 'more_than', 'at_least', 'up_to']), _connector='OR'), name='claim_quantity_qualifier_valid'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__isnull', False), models.Q(('quantity_unit', ''), ('quantity_qualifier', '')), _connector='OR'), name='claim_unit_needs_quantity'),
        ),
        migrations.AddConstraint(
            model_name='claimcitation',
            constraint=models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='claimcitation_offsets_ordered'),
        ),
        migrations.AddConstraint(
            model_name='claimcitation',
            constraint=models.CheckConstraint(condition=models.Q(('stance__in', ['supports', 'contradicts', 'mentions'])), name='claimcitation_stance_valid'),
        ),
        migrations.AddConstraint(
            model_name='claimcitation',
            constraint=models.UniqueConstraint(fields=('claim', 'source', 'start', 'end'), name='claimcitation_unique_passage'),
        ),
        migrations.AddConstraint(
            model_name='claimrelation',
            constraint=models.UniqueConstraint(fields=('from_claim', 'to_claim', 'kind'), name='claimrelation_unique'),
        ),
        migrations.AddConstraint(
            model_name='claimrelation',
            constraint=models.CheckConstraint(condition=models.Q(('from_claim', models.F('to_claim')), _negated=True), name='claimrelation_not_to_itself'),
        ),
        migrations.AddConstraint(
            model_name='claimrelation',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['contradicts', 'refines', 'duplicates'])), name='claimrelation_kind_valid'),
        ),
        migrations.AddField(
            model_name='claim',
            name='correction',
            field=models.TextField(blank=True, editable=False, help_text='Shown to readers in place of a retracted entry.', verbose_name='correction note'),
        ),
        migrations.AddField(
            model_name='claim',
            name='retracted_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='review_note',
            field=models.TextField(blank=True, editable=False, help_text='Why an editor last sent it back.'),
        ),
        migrations.AddField(
            model_name='claim',
            name='submitted_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When it last went into review; the queue is oldest first.', null=True),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['status', '-verified_at', '-id'], name='claims_clai_status_03bdc3_idx'),
        ),
        migrations.AddField(
            model_name='claim',
            name='corroboration_level',
            field=models.CharField(choices=[('disputed', 'Disputed'), ('none', 'No source'), ('single', '1 source'), ('corroborated', '2 or more independent sources')], db_index=True, default='none', editable=False, max_length=12, serialize=False),
        ),
        migrations.AddField(
            model_name='claim',
            name='supporting_sources',
            field=models.PositiveSmallIntegerField(default=0, editable=False, serialize=False),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['status', 'corroboration_level', '-verified_at', '-id'], name='claims_clai_status_af095b_idx'),
        ),
        migrations.RemoveIndex(
            model_name='claim',
            name='claims_clai_status_b21b46_idx',
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['-updated_at', '-id'], name='claims_clai_updated_84b693_idx'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['status', '-updated_at', '-id'], name='claims_clai_status_66be31_idx'),
        ),
    ]
