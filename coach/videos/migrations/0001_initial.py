"""The videos app's models as they were in the `coach` app up to its migration 0006, taken into
this app's state only: their tables (`coach_<model>`) are already there, made by coach 0001-0006,
and coach 0007 dropped them from its own state."""

import coach.videos.models
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('routines', '0001_initial'),
        ('coach', '0007_feature_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='VideoExport',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.FloatField(default=0.0, help_text='0 to 1.')),
                        ('error', models.TextField(blank=True)),
                        ('video', models.FileField(blank=True, upload_to=coach.videos.models.video_export_path)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('routine', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='video_exports', to='routines.routine')),
                    ],
                    options={
                        'db_table': 'coach_videoexport',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
    ]
