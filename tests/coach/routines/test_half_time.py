"""A beginner can ask for a routine in half time (the phrase family): every phrase is danced over
twice as many beats, from the song page's form, the API and the CLI alike."""

import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from coach.routines.models import GenerationJob
from coach.routines.tasks import generate_routine_task
from coach.songs.services import create_song
from generation.data.paths import shared_dir

pytestmark = pytest.mark.django_db

SONG = shared_dir() / "music" / "annotated" / "gmd_disco_120.ogg"


@pytest.fixture
def song(make_user):
    alice = make_user("alice")
    return create_song(alice, SimpleUploadedFile(SONG.name, SONG.read_bytes()), "Disco")


def _routine(job_id):
    assert generate_routine_task(str(job_id)) == GenerationJob.Status.SUCCEEDED
    return GenerationJob.objects.get(pk=job_id).routine


def _phrase_seconds(routine) -> float:
    return float(np.median([s["end_s"] - s["start_s"] for s in routine.segments]))


def test_the_api_makes_a_half_time_routine_whose_phrases_last_twice_as_long(song, client):
    client.force_login(song.owner)
    url = reverse("api-job-list")
    made = {}
    for half_time in (False, True):
        response = client.post(
            url,
            {"song": song.id, "style": "pop", "level": "beginner", "half_time": half_time},
            content_type="application/json",
        )
        assert response.status_code == 202, response.content
        assert response.json()["half_time"] is half_time
        made[half_time] = _routine(response.json()["id"])
    ratio = _phrase_seconds(made[True]) / _phrase_seconds(made[False])
    assert 1.8 <= ratio <= 2.2, ratio
    pages = {
        h: client.get(reverse("routine", args=[r.id])).content.decode() for h, r in made.items()
    }
    assert 'id="half-time"' in pages[True] and 'id="half-time"' not in pages[False]


def test_half_time_needs_the_phrase_family(song, client):
    client.force_login(song.owner)
    refused = client.post(
        reverse("api-job-list"),
        {"song": song.id, "style": "pop", "level": "beginner", "half_time": True,
         "architecture": "gru"},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "half time" in refused.content.decode()
    assert not GenerationJob.objects.exists()


def test_the_song_page_form_asks_for_half_time(song, client):
    client.force_login(song.owner)
    page = reverse("song", args=[song.id])
    assert 'name="half_time"' in client.get(page).content.decode()
    client.post(page, {"style": "pop", "level": "beginner", "seed": 0, "half_time": "on"})
    assert GenerationJob.objects.get().half_time


def test_the_cli_writes_a_half_time_routine(tmp_path):
    out = tmp_path / "routine.json"
    call_command("choreograph", str(SONG), "--style", "pop", "--level", "beginner",
                 "--half-time", "--out", str(out))  # fmt: skip
    assert json.loads(out.read_text())["half_time"] is True
