"""The Django admin works for staff and is closed to everyone else."""

import pytest
from django.urls import reverse

from tests.coach.factories import make_attempt, make_job, make_routine

pytestmark = pytest.mark.django_db
# Admin URLs name each model by its app's label: the user model's app keeps `coach`.
MODELS = (
    "coach_user",
    "studios_studio",
    "studios_invitation",
    "songs_song",
    "routines_routine",
    "routines_generationjob",
    "practice_attempt",
    "videos_videoexport",
)


def test_staff_can_open_every_admin_page(client, studio_people, django_user_model):
    routine = make_routine(studio_people["alice"])
    make_job(studio_people["alice"], routine.song)
    make_attempt(studio_people["alice"], routine)
    admin = django_user_model.objects.create_superuser(
        "admin", "admin@example.com", "a-Strong-pass-42"
    )
    client.force_login(admin)
    for model in MODELS:
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200, model
    assert (
        client.get(reverse("admin:routines_routine_change", args=[routine.id])).status_code == 200
    )


def test_students_are_sent_to_the_admin_login(client, studio_people):
    client.force_login(studio_people["alice"])
    response = client.get(reverse("admin:songs_song_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
