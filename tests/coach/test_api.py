"""The JSON API: token auth, uploads, jobs, the routine document, the OpenAPI schema, health."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coach.routines.models import GenerationJob
from tests.coach.factories import make_routine, make_song

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user):
    user = make_user("alice")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


def test_token_is_issued_for_a_password(client, make_user):
    make_user("alice")
    response = client.post(
        reverse("api_token"), {"username": "alice", "password": "a-Strong-pass-42"}
    )
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_upload_through_the_api(api, wav_file):
    path = wav_file(6.0)
    response = api.post(
        reverse("api-song-list"), {"audio": SimpleUploadedFile("a.wav", path.read_bytes())}
    )
    assert response.status_code == 201, response.content
    assert response.json()["duration_s"] == pytest.approx(6.0, abs=0.05)
    bad = api.post(
        reverse("api-song-list"), {"audio": SimpleUploadedFile("a.wav", b"not audio at all")}
    )
    assert bad.status_code == 400 and "could not be read" in bad.json()["audio"][0]


def test_a_job_request_is_validated(api, make_user, django_capture_on_commit_callbacks):
    song = make_song(api.user)
    response = api.post(
        reverse("api-job-list"), {"song": str(song.id), "style": "moonwalk", "level": "beginner"}
    )
    assert response.status_code == 400 and "style" in response.json()
    someone_elses = make_song(make_user("zed"))
    response = api.post(
        reverse("api-job-list"),
        {"song": str(someone_elses.id), "style": "pop", "level": "beginner"},
    )
    assert response.status_code == 400 and "song" in response.json()
    response = api.post(
        reverse("api-job-list"),
        {
            "song": str(song.id),
            "style": "pop",
            "level": "beginner",
            "architecture": "no-such-model",
        },
    )
    assert response.status_code == 400 and "no-such-model" in response.json()[0]
    assert GenerationJob.objects.count() == 0


def test_a_job_may_ask_for_an_installed_model_family(api, django_capture_on_commit_callbacks):
    from generation.models import available_architectures

    family = available_architectures()[0]
    song = make_song(api.user)
    response = api.post(
        reverse("api-job-list"),
        {"song": str(song.id), "style": "pop", "level": "beginner", "architecture": family},
    )
    assert response.status_code == 202, response.content
    assert GenerationJob.objects.get().architecture == family


def test_the_routine_document_has_the_documented_shape(api):
    routine = make_routine(api.user, n_frames=30)
    document = api.get(reverse("api-routine-document", args=[routine.id])).json()
    assert {
        "fps",
        "joints",
        "bones",
        "frames",
        "beats",
        "segments",
        "style",
        "level",
        "seed",
        "model",
    } <= set(document)
    assert len(document["frames"]) == 30 and len(document["frames"][0]) == len(document["joints"])


def test_openapi_schema_is_served(client):
    response = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/songs/" in response.json()["paths"]


def test_healthz_reports_each_part_to_staff(admin_client):
    body = admin_client.get(reverse("healthz")).json()
    assert set(body) == {"ok", "database", "channel_layer", "broker", "worker"}
    assert body["database"]["ok"] and body["channel_layer"]["ok"] and body["broker"]["ok"]
