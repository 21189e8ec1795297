"""The routines app's models as they were in the `coach` app up to its migration 0006, taken into
this app's state only: their tables (`coach_<model>`) are already there, made by coach 0001-0006,
and coach 0007 dropped them from its own state."""

import coach.routines.models
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('songs', '0001_initial'),
        ('coach', '0007_feature_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Routine',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('style', models.CharField(choices=[('waltz', 'Waltz'), ('tango', 'Tango'), ('cha-cha', 'Cha-cha'), ('rumba', 'Rumba'), ('salsa', 'Salsa'), ('break', 'Break'), ('pop', 'Pop'), ('lock', 'Lock'), ('middle-hiphop', 'Middle hip-hop'), ('la-hiphop', 'LA-style hip-hop'), ('house', 'House'), ('waack', 'Waack'), ('krump', 'Krump'), ('street-jazz', 'Street jazz'), ('ballet-jazz', 'Ballet jazz')], max_length=20)),
                        ('level', models.CharField(choices=[('beginner', 'Beginner'), ('intermediate', 'Intermediate'), ('advanced', 'Advanced')], max_length=12)),
                        ('seed', models.IntegerField(default=0)),
                        ('fps', models.FloatField()),
                        ('joints', models.JSONField(help_text="Joint names, in the order of the frames' second axis.")),
                        ('n_frames', models.PositiveIntegerField()),
                        ('frames', models.FileField(upload_to=coach.routines.models.routine_frames_path)),
                        ('beats', models.JSONField(help_text='Beat times in seconds on the song clock.')),
                        ('downbeats', models.JSONField(default=list)),
                        ('segments', models.JSONField(default=list, help_text='Phrases: [{"start_s", "end_s", "label"}], plus "phrase_id" (and "known" when personalised) for the phrase family.')),
                        ('phrases', models.JSONField(blank=True, default=dict, help_text='A personalised routine\'s phrases: {"known": [ids], "new": [ids], "text"}; empty otherwise.')),
                        ('tempo_bpm', models.FloatField(null=True)),
                        ('model_version', models.CharField(max_length=80)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='routines', to=settings.AUTH_USER_MODEL)),
                        ('song', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='routines', to='songs.song')),
                    ],
                    options={
                        'db_table': 'coach_routine',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='GenerationJob',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('style', models.CharField(choices=[('waltz', 'Waltz'), ('tango', 'Tango'), ('cha-cha', 'Cha-cha'), ('rumba', 'Rumba'), ('salsa', 'Salsa'), ('break', 'Break'), ('pop', 'Pop'), ('lock', 'Lock'), ('middle-hiphop', 'Middle hip-hop'), ('la-hiphop', 'LA-style hip-hop'), ('house', 'House'), ('waack', 'Waack'), ('krump', 'Krump'), ('street-jazz', 'Street jazz'), ('ballet-jazz', 'Ballet jazz')], max_length=20)),
                        ('level', models.CharField(choices=[('beginner', 'Beginner'), ('intermediate', 'Intermediate'), ('advanced', 'Advanced')], max_length=12)),
                        ('seed', models.IntegerField(default=0)),
                        ('architecture', models.CharField(blank=True, help_text='Model family to generate with; empty means the shipped default.', max_length=20)),
                        ('personalise', models.BooleanField(default=False, help_text="Build on the requester's attempts in the style (phrase family).")),
                        ('focus_part', models.CharField(blank=True, choices=[('head', 'head'), ('torso', 'torso'), ('left_arm', 'left arm'), ('right_arm', 'right arm'), ('left_leg', 'left leg'), ('right_leg', 'right leg')], help_text="The body part to lean toward (a lesson's focus); empty: the learner's weakest.", max_length=12)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.FloatField(default=0.0, help_text='0 to 1.')),
                        ('message', models.CharField(blank=True, max_length=200)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to=settings.AUTH_USER_MODEL)),
                        ('song', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='songs.song')),
                        ('routine', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='job', to='routines.routine')),
                    ],
                    options={
                        'db_table': 'coach_generationjob',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
    ]
