"""The routine's BVH file: from the routine page (beside the video) and the API, only for whoever
may see the routine, as a text attachment that re-imports to the routine's joint positions."""

from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coach.lessons import services as lessons
from coach.routines.services import routine_frames, store_routine
from generation.bvh_export import CENTIMETRES_PER_METRE
from generation.data.ballroom import ballroom_index, load_ballroom
from generation.data.bvh import node_positions, parse_bvh
from scoring.skeleton import JOINTS
from tests.coach.factories import make_song

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def waltz_frames():
    entry = next(e for e in ballroom_index() if e["style"] == "waltz")
    return load_ballroom(entry).frames[:150]


@pytest.fixture
def routine(studio_people, waltz_frames):
    """Alice's waltz: five seconds of a real ballroom capture."""
    song = make_song(studio_people["alice"], title="Moon River")
    return store_routine(
        song,
        studio_people["alice"],
        {
            "fps": 30.0, "joints": JOINTS, "frames": waltz_frames, "beats": [0.5, 1.0, 1.5],
            "downbeats": [0.5], "segments": [], "style": "waltz", "level": "beginner",
            "seed": 0, "model": "test", "tempo_bpm": 90.0,
        },
    )  # fmt: skip


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def reimported(text: str) -> np.ndarray:
    bvh = parse_bvh(text)
    positions = node_positions(bvh) / CENTIMETRES_PER_METRE
    return positions[:, [bvh.nodes.index(name) for name in JOINTS]]


def test_the_page_link_downloads_a_bvh_of_the_routine(client, studio_people, routine):
    client.force_login(studio_people["alice"])
    response = client.get(reverse("routine_bvh", args=[routine.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="moon-river-waltz-beginner.bvh"'
    assert response["Cache-Control"] == "private, no-cache"
    text = response.content.decode()
    assert text.startswith("HIERARCHY\nROOT pelvis")
    error = np.linalg.norm(reimported(text) - routine_frames(routine), axis=-1)
    assert error.max() < 0.01


def test_the_api_gives_the_same_file_to_a_token(studio_people, routine):
    url = reverse("api-routine-bvh", args=[routine.id])
    assert url == f"/api/routines/{routine.id}/bvh/"
    response = api_client(studio_people["alice"]).get(url, HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        np.linalg.norm(
            reimported(response.content.decode()) - routine_frames(routine), axis=-1
        ).max()
        < 0.01
    )


def test_teachers_and_an_assigned_student_get_it(client, studio_people, routine):
    for person in ("instructor", "owner"):
        client.force_login(studio_people[person])
        assert client.get(reverse("routine_bvh", args=[routine.id])).status_code == 200, person
    # Bob may see the instructor's routine once it is his lesson.
    instructor, bob = studio_people["instructor"], studio_people["bob"]
    lesson_routine = store_routine(
        make_song(instructor), instructor,
        {"fps": 30.0, "joints": JOINTS, "frames": routine_frames(routine), "beats": [0.5, 1.0],
         "style": "waltz", "level": "beginner", "seed": 0, "model": "test"},
    )  # fmt: skip
    client.force_login(bob)
    assert client.get(reverse("routine_bvh", args=[lesson_routine.id])).status_code == 404
    lessons.assign_lesson(
        studio_people["studio"], instructor, lesson_routine, students=[bob], title="Waltz",
        due_at=timezone.now() + timedelta(days=1), target_score=60.0,
    )  # fmt: skip
    assert client.get(reverse("routine_bvh", args=[lesson_routine.id])).status_code == 200


@pytest.mark.parametrize("person", ["bob", "outsider"])
def test_anyone_else_gets_404_from_the_page_and_the_api(client, studio_people, routine, person):
    client.force_login(studio_people[person])
    assert client.get(reverse("routine_bvh", args=[routine.id])).status_code == 404
    response = api_client(studio_people[person]).get(reverse("api-routine-bvh", args=[routine.id]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert b"HIERARCHY" not in response.content


def test_without_logging_in_the_page_redirects_and_the_api_refuses(client, routine):
    response = client.get(reverse("routine_bvh", args=[routine.id]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert APIClient().get(reverse("api-routine-bvh", args=[routine.id])).status_code in (401, 403)


def test_only_reading_is_allowed(client, studio_people, routine):
    client.force_login(studio_people["alice"])
    assert client.post(reverse("routine_bvh", args=[routine.id])).status_code == 405
    head = client.head(reverse("routine_bvh", args=[routine.id]))
    assert head.status_code == 200 and head["Content-Disposition"].startswith("attachment")


def test_the_routine_page_and_document_link_the_bvh_beside_the_video(
    client, studio_people, routine
):
    client.force_login(studio_people["alice"])
    url = reverse("routine_bvh", args=[routine.id])
    html = client.get(reverse("routine", args=[routine.id])).content.decode()
    video_section = html[
        html.index('id="video-export"') : html.index("</section>", html.index('id="video-export"'))
    ]
    assert f'href="{url}"' in video_section and "Download BVH" in video_section
    assert client.get(reverse("api-routine-document", args=[routine.id])).json()["bvh_url"] == url
