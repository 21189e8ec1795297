"""Issue 16, finding 8: the low findings, one test (or a few) each."""

import asyncio
import csv
import io
from datetime import timedelta

import pytest
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from coach.classes import services as classes
from coach.config.asgi import application
from coach.lessons import services as lessons
from coach.practice.services import start_attempt
from coach.review.services import lesson_results_csv
from coach.songs.models import Song
from coach.songs.services import create_song
from coach.studios.models import Membership
from coach.studios.services import set_teaching_role
from tests.coach.factories import make_routine
from tests.coach.socket_helpers import close_code, communicator, receive_until, session_cookie

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-pass-42"


# ---- open redirect after sign-up -----------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/songs/"])
def test_sign_up_only_follows_next_within_the_site(client, target):
    response = client.post(reverse("signup") + f"?next={target}", {
        "username": "newbie", "email": "n@example.com", "password1": PASSWORD, "password2": PASSWORD,
    })  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == (target if target == "/songs/" else reverse("dashboard"))


# ---- a demoted instructor ------------------------------------------------------------------


def test_a_demoted_instructor_can_no_longer_run_their_class(client, studio_people):
    instructor = studio_people["instructor"]
    class_session = classes.open_class(
        instructor, studio_people["studio"], make_routine(instructor), title="Mon"
    )
    set_teaching_role(
        studio_people["studio"].memberships.get(user=instructor), Membership.Role.STUDENT
    )
    client.force_login(instructor)
    assert client.get(reverse("class_board", args=[class_session.id])).status_code == 404
    assert client.post(reverse("class_start", args=[class_session.id])).status_code == 404
    assert client.get(reverse("class_summary", args=[class_session.id])).status_code == 404
    assert client.post(reverse("class_end", args=[class_session.id])).status_code == 404
    class_session.refresh_from_db()
    assert class_session.status == class_session.Status.OPEN


# ---- no 500s on odd ids and limits ---------------------------------------------------------


def test_a_malformed_id_is_404_not_500(client, studio_people):
    client.force_login(studio_people["instructor"])
    for url in (
        "/api/lessons/not-a-uuid/results/",
        "/api/lessons/not-a-uuid/",
        "/api/attempts/abc/document/",
        "/api/routines/abc/",
        "/api/songs/abc/",
        "/api/jobs/abc/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "query",
    [
        "limit=99999999999999999999",
        "offset=99999999999999999999",
        "limit=99999999999999999999&offset=99999999999999999999",
    ],
)
def test_huge_limits_and_offsets_are_answered(client, studio_people, query):
    from tests.coach.factories import make_song

    make_song(studio_people["alice"])
    client.force_login(studio_people["alice"])
    response = client.get(f"/api/songs/?{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == (0 if "offset" in query else 1)


@pytest.mark.parametrize("path", ["/ws/practice/abc/", "/ws/nothing/here/"])
def test_an_unknown_socket_path_is_closed_with_4404(path):
    async def connect():
        socket = WebsocketCommunicator(
            application, path, headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")]
        )
        connected, code = await socket.connect()
        if connected:
            code = await close_code(socket)
        return code

    assert asyncio.run(connect()) == 4404


# ---- image_size of coco17 / canonical attempts ---------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "image_size", ["a string", [640], [640, "tall"], [-1, 480], [1e12, 480], {"w": 1}]
)
def test_image_size_must_be_a_width_and_height_in_pixels(make_user, image_size):
    learner = make_user("alice")
    attempt = start_attempt(learner, make_routine(learner), pose_format="coco17")
    cookie = session_cookie(learner)
    message = {
        "type": "frames",
        "seq": 0,
        "format": "coco17",
        "timestamps_ms": [0.0],
        "frames": [[[100.0, 100.0, 0.9]] * 17],
        "image_size": image_size,
    }

    async def send():
        import json

        socket = communicator(f"/ws/practice/{attempt.id}/", cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        await socket.send_to(text_data=json.dumps(message))
        error = (await receive_until(socket, "error"))[-1]
        await socket.disconnect()
        return error

    assert asyncio.run(send())["code"] == "bad_frames"
    assert not attempt.batches.exists()


# ---- CSV formula injection -----------------------------------------------------------------


def test_lesson_results_csv_does_not_start_a_cell_with_a_formula(studio_people, make_user):
    sneaky = make_user("@SUM", email="=cmd@example.com")
    Membership.objects.create(
        user=sneaky, studio=studio_people["studio"], role=Membership.Role.STUDENT
    )
    instructor = studio_people["instructor"]
    lesson = lessons.assign_lesson(
        studio_people["studio"], instructor, make_routine(instructor), students=[sneaky], title="Solo",
        due_at=timezone.now() + timedelta(days=1), target_score=60.0,
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(lesson_results_csv(lesson))))
    assert rows[1][:2] == ["'@SUM", "'=cmd@example.com"]
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)


# ---- files left behind by deletes ----------------------------------------------------------


def test_deleting_a_song_leaves_no_files_or_folders(
    client, make_user, wav_file, isolated_media, django_capture_on_commit_callbacks
):
    alice = make_user("alice")
    song = create_song(alice, SimpleUploadedFile("song.wav", wav_file(6.0).read_bytes()))
    make_routine(alice, song=song)
    assert any(p.is_file() for p in (isolated_media / "routines").rglob("*"))
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(reverse("api-song-detail", args=[song.id])).status_code == 204
    assert not Song.objects.exists()
    leftovers = [p.relative_to(isolated_media) for p in isolated_media.rglob("*")]
    assert [p for p in leftovers if len(p.parts) > 1] == [], leftovers


# ---- Content-Security-Policy ---------------------------------------------------------------


def test_pages_carry_a_content_security_policy_without_inline_script(client, studio_people):
    client.force_login(studio_people["alice"])
    policy = client.get(reverse("dashboard"))["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert (
        "'unsafe-inline'" not in directives["script-src"]
        and "'unsafe-eval'" not in directives["script-src"]
    )
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_templates_have_no_inline_script_or_event_handlers():
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in templates.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path.name}: {tag}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
    assert offenders == []


# ---- API tokens ----------------------------------------------------------------------------


def test_an_old_api_token_is_refused_and_deleted(client, make_user, settings):
    alice = make_user("alice")
    token = Token.objects.create(user=alice)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - settings.API_TOKEN_LIFETIME - timedelta(1)
    )
    response = client.get(reverse("api-song-list"), headers={"Authorization": f"Token {token.key}"})
    assert response.status_code in (401, 403) and "expired" in response.json()["detail"]
    assert not Token.objects.filter(user=alice).exists()


def test_logging_out_deletes_the_api_token(client, make_user):
    alice = make_user("alice")
    key = client.post(reverse("api_token"), {"username": "alice", "password": PASSWORD}).json()[
        "token"
    ]
    assert (
        client.get(reverse("api-song-list"), headers={"Authorization": f"Token {key}"}).status_code
        == 200
    )
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("logout"))
    assert not Token.objects.filter(user=alice).exists()
    assert client.get(
        reverse("api-song-list"), headers={"Authorization": f"Token {key}"}
    ).status_code in (401, 403)


def test_an_api_client_logs_its_token_out(client, make_user):
    make_user("alice")
    key = client.post(reverse("api_token"), {"username": "alice", "password": PASSWORD}).json()[
        "token"
    ]
    assert (
        client.delete(reverse("api_token"), headers={"Authorization": f"Token {key}"}).status_code
        == 204
    )
    assert not Token.objects.filter(key=key).exists()


# ---- /healthz ------------------------------------------------------------------------------


def test_healthz_is_a_cheap_public_liveness_answer(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_healthz_details_are_for_staff(client, admin_client, make_user):
    client.force_login(make_user("alice"))
    assert set(client.get(reverse("healthz")).json()) == {"ok"}
    assert {"database", "worker"} <= set(admin_client.get(reverse("healthz")).json())
