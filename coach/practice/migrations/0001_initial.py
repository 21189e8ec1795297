"""The practice app's models as they were in the `coach` app up to its migration 0006, taken into
this app's state only: their tables (`coach_<model>`) are already there, made by coach 0001-0006,
and coach 0007 dropped them from its own state."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('routines', '0001_initial'),
        ('studios', '0001_initial'),
        ('coach', '0007_feature_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Attempt',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('status', models.CharField(choices=[('in_progress', 'In progress'), ('complete', 'Complete'), ('incomplete', 'Incomplete')], default='in_progress', max_length=12)),
                        ('pose_format', models.CharField(default='mediapipe33', max_length=16)),
                        ('mirror', models.CharField(choices=[('auto', 'Detect'), ('on', 'Mirrored'), ('off', 'Not mirrored')], default='auto', max_length=4)),
                        ('clock_offset_ms', models.FloatField(blank=True, help_text='Client clock minus server clock.', null=True)),
                        ('rtt_ms', models.FloatField(blank=True, null=True)),
                        ('audio_latency_ms', models.FloatField(default=0.0, help_text="The client's audio output latency.")),
                        ('beat_results', models.JSONField(default=list)),
                        ('summary', models.JSONField(default=dict)),
                        ('connection', models.UUIDField(blank=True, editable=False, help_text="The practice socket that holds the attempt: a newer one takes it over, and an older one's batches are no longer stored.", null=True)),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('learner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to=settings.AUTH_USER_MODEL)),
                        ('routine', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='routines.routine')),
                        ('studio', models.ForeignKey(blank=True, help_text="The studio whose lesson or class it was made for; empty for the learner's own practice. Only this studio's staff see it.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='attempts', to='studios.studio')),
                    ],
                    options={
                        'db_table': 'coach_attempt',
                        'ordering': ['-started_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PoseBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveIntegerField()),
                        ('timestamps', models.BinaryField()),
                        ('frames', models.BinaryField()),
                        ('image_size', models.JSONField(blank=True, help_text='[width, height] in pixels, for 2D formats.', null=True)),
                        ('beats', models.JSONField(blank=True, default=list, help_text='The beat results this batch completed, as sent to the learner.')),
                        ('received_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('attempt', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='batches', to='practice.attempt')),
                    ],
                    options={
                        'db_table': 'coach_posebatch',
                        'ordering': ['seq'],
                        'constraints': [models.UniqueConstraint(fields=('attempt', 'seq'), name='one_batch_per_seq')],
                    },
                ),
            ],
        ),
    ]
