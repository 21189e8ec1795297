"""The studios app's models as they were in the `coach` app up to its migration 0006, taken into
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
        ('coach', '0007_feature_apps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Studio',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=120)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'coach_studio',
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('instructor', 'Instructor'), ('student', 'Student')], default='student', max_length=12)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField()),
                        ('uses', models.PositiveIntegerField(default=0)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('studio', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='studios.studio')),
                    ],
                    options={
                        'db_table': 'coach_invitation',
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('instructor', 'Instructor'), ('student', 'Student')], max_length=12)),
                        ('joined_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('studio', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='studios.studio')),
                    ],
                    options={
                        'db_table': 'coach_membership',
                        'constraints': [models.UniqueConstraint(fields=('user', 'studio'), name='one_membership_per_studio')],
                    },
                ),
            ],
        ),
    ]
