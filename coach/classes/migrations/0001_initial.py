"""The classes app's models as they were in the `coach` app up to its migration 0006, taken into
this app's state only: their tables (`coach_<model>`) are already there, made by coach 0001-0006,
and coach 0007 dropped them from its own state."""

import coach.classes.models
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('practice', '0001_initial'),
        ('routines', '0001_initial'),
        ('studios', '0001_initial'),
        ('coach', '0007_feature_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ClassSession',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('title', models.CharField(max_length=200)),
                        ('join_code', models.CharField(default=coach.classes.models.new_join_code, max_length=8, unique=True)),
                        ('status', models.CharField(choices=[('open', 'Open for joining'), ('running', 'Running'), ('ended', 'Ended')], default='open', max_length=8)),
                        ('starts_at_ms', models.FloatField(blank=True, help_text='Server clock (ms since the epoch) at which the song starts for everyone.', null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('ended_at', models.DateTimeField(blank=True, null=True)),
                        ('instructor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='classes_taught', to=settings.AUTH_USER_MODEL)),
                        ('routine', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='classes', to='routines.routine')),
                        ('studio', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='classes', to='studios.studio')),
                    ],
                    options={
                        'db_table': 'coach_classsession',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ClassParticipant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('joined_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('attempt', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='class_seat', to='practice.attempt')),
                        ('learner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='class_seats', to=settings.AUTH_USER_MODEL)),
                        ('class_session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='classes.classsession')),
                    ],
                    options={
                        'db_table': 'coach_classparticipant',
                        'constraints': [models.UniqueConstraint(fields=('class_session', 'learner'), name='one_seat_per_learner')],
                    },
                ),
            ],
        ),
    ]
