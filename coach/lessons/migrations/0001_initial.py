"""The lessons app's models as they were in the `coach` app up to its migration 0006, taken into
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
                    name='Lesson',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('title', models.CharField(max_length=200)),
                        ('notes', models.TextField(blank=True)),
                        ('due_at', models.DateTimeField()),
                        ('target_score', models.FloatField(help_text='Overall score (0-100) an attempt must reach.')),
                        ('focus_part', models.CharField(blank=True, choices=[('head', 'head'), ('torso', 'torso'), ('left_arm', 'left arm'), ('right_arm', 'right arm'), ('left_leg', 'left leg'), ('right_leg', 'right leg')], help_text='A body part the lesson works on; a routine generated for it leans toward it.', max_length=12)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('instructor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lessons_taught', to=settings.AUTH_USER_MODEL)),
                        ('routine', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lessons', to='routines.routine')),
                        ('studio', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lessons', to='studios.studio')),
                    ],
                    options={
                        'db_table': 'coach_lesson',
                        'ordering': ['due_at'],
                    },
                ),
                migrations.CreateModel(
                    name='LessonAssignment',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('status', models.CharField(choices=[('todo', 'To do'), ('done', 'Done')], default='todo', max_length=8)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('completed_by_attempt', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='practice.attempt')),
                        ('lesson', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='lessons.lesson')),
                        ('marked_done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('student', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'coach_lessonassignment',
                        'constraints': [models.UniqueConstraint(fields=('lesson', 'student'), name='one_assignment_per_student')],
                    },
                ),
            ],
        ),
    ]
