"""Who sees what: pages and API endpoints for every object type and role."""

import numpy as np
import pytest
from django.urls import reverse

from coach.practice.selectors import attempts_for
from coach.routines.services import routine_frames
from coach.songs.selectors import songs_for
from tests.coach.factories import make_attempt, make_job, make_routine, make_song

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_work(studio_people):
    alice = studio_people["alice"]
    routine = make_routine(alice)
    return {
        "song": routine.song,
        "routine": routine,
        "job": make_job(alice, routine.song),
        # Made for a lesson or class of the studio: its teachers see it (own practice: see
        # tests/coach/practice/test_attempt_privacy.py).
        "attempt": make_attempt(alice, routine, studio_people["studio"]),
    }


PAGES = {"song": "song_id", "routine": "routine_id", "job": "job_id"}
API = {
    "song": "api-song-detail",
    "routine": "api-routine-detail",
    "job": "api-job-detail",
    "attempt": "api-attempt-detail",
}


@pytest.mark.parametrize("who", ["alice", "instructor", "owner"])
@pytest.mark.parametrize("kind", sorted(API))
def test_the_learner_and_their_teachers_see_the_work(client, studio_people, alices_work, who, kind):
    client.force_login(studio_people[who])
    assert client.get(reverse(API[kind], args=[alices_work[kind].id])).status_code == 200
    if kind in PAGES:
        assert (
            client.get(reverse(kind, kwargs={PAGES[kind]: alices_work[kind].id})).status_code == 200
        )


@pytest.mark.parametrize("who", ["bob", "outsider"])
@pytest.mark.parametrize("kind", sorted(API))
def test_other_students_and_outsiders_get_404(client, studio_people, alices_work, who, kind):
    client.force_login(studio_people[who])
    assert client.get(reverse(API[kind], args=[alices_work[kind].id])).status_code == 404
    if kind in PAGES:
        assert (
            client.get(reverse(kind, kwargs={PAGES[kind]: alices_work[kind].id})).status_code == 404
        )
    listing = client.get(reverse(API[kind].replace("detail", "list"))).json()
    assert str(alices_work[kind].id) not in {item["id"] for item in listing["results"]}


@pytest.mark.parametrize("kind", sorted(API))
def test_anonymous_visitors_must_log_in(client, alices_work, kind):
    assert client.get(reverse(API[kind], args=[alices_work[kind].id])).status_code in (401, 403)
    if kind in PAGES:
        response = client.get(reverse(kind, kwargs={PAGES[kind]: alices_work[kind].id}))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_teacher_in_another_studio_sees_nothing(make_user, studio_people, alices_work):
    from coach.studios.services import create_studio

    other_owner = make_user("otto")
    create_studio(other_owner, "Elsewhere")
    assert not songs_for(other_owner).exists()
    assert not attempts_for(other_owner).exists()


def test_studio_page_manages_for_its_teachers_and_shows_its_students_their_part(
    client, studio_people
):
    url = reverse("studio", args=[studio_people["studio"].id])
    for who, code, manages in [
        ("owner", 200, True),
        ("instructor", 200, True),
        ("alice", 200, False),
        ("outsider", 404, False),
    ]:
        client.force_login(studio_people[who])
        response = client.get(url)
        assert response.status_code == code, who
        assert ("Invite students" in response.content.decode()) == manages, who


def test_routine_frames_are_stored_as_one_array(studio_people):
    routine = make_routine(studio_people["alice"], n_frames=45)
    frames = routine_frames(routine)
    assert frames.shape == (45, len(routine.joints), 3) and frames.dtype == np.float32
    assert routine.frames.name.endswith(".npy")


def test_only_the_uploader_can_delete_a_song(client, studio_people):
    song = make_song(studio_people["alice"])
    client.force_login(studio_people["instructor"])
    assert client.delete(reverse("api-song-detail", args=[song.id])).status_code == 400
    client.force_login(studio_people["alice"])
    assert client.delete(reverse("api-song-detail", args=[song.id])).status_code == 204
