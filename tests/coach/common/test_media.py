"""Private files (songs, routine frames, videos): only through permission-checked views, with
byte ranges so that audio elements can seek, validators, and the hand-off to a front web server
or the storage (`coach/common/file_responses.py`)."""

import io
import warnings
from datetime import timedelta

import numpy as np
import pytest
from asgiref.sync import async_to_sync
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coach.common.file_responses import CHUNK_BYTES, ByteRange, UnsatisfiableRange, parse_range
from coach.lessons import services as lessons
from coach.routines.services import routine_frames
from coach.songs.services import create_song
from coach.songs.views import song_audio
from coach.videos.models import VideoExport
from tests.coach.factories import make_routine

pytestmark = pytest.mark.django_db


@pytest.fixture
def song(studio_people, wav_file):
    """Alice's real upload (8 s of 16-bit wav, about 350 KB)."""
    path = wav_file(8.0)
    return create_song(
        studio_people["alice"], SimpleUploadedFile(path.name, path.read_bytes()), "Groove"
    )


@pytest.fixture
def song_bytes(song):
    with song.audio.open("rb") as handle:
        return handle.read()


def logged_in(client, user):
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# ---- Range: the parser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-500", ByteRange(500, 999)),
        ("bytes=-5000", ByteRange(0, 999)),  # a suffix longer than the file: all of it
        ("bytes=990-5000", ByteRange(990, 999)),  # clipped to the end
        ("BYTES=1-1", ByteRange(1, 1)),
        (" bytes=2-3 ", ByteRange(2, 3)),
        # Ignored (the whole file is sent): absent, another unit, several ranges, malformed.
        (None, None),
        ("", None),
        ("items=0-1", None),
        ("bytes=0-1,5-6", None),
        ("bytes=5-2", None),
        ("bytes=-", None),
        ("bytes=a-b", None),
        ("bytes=0x10-", None),
        ("bytes=١-٢", None),  # non-ASCII digits
    ],
)
def test_a_range_header_is_read_as_one_byte_range_or_ignored(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=5000-6000", 1000),
                                              ("bytes=-0", 1000), ("bytes=0-", 0), ("bytes=-10", 0)])  # fmt: skip
def test_a_range_past_the_end_is_unsatisfiable(header, size):
    with pytest.raises(UnsatisfiableRange):
        parse_range(header, size)


# ---- Range: the responses ---------------------------------------------------------------------


def test_the_whole_song_with_validators_and_ranges_offered(client, studio_people, song, song_bytes):
    response = logged_in(client, studio_people["alice"]).get(reverse("song_audio", args=[song.id]))
    assert response.status_code == 200
    assert body(response) == song_bytes
    assert response["Content-Length"] == str(len(song_bytes))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/x-wav"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-cache"
    assert response["ETag"].startswith('"') and response["Last-Modified"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=100-299", 100, 299), ("bytes=-500", -500, None), ("bytes=1000-", 1000, None),
     ("bytes=10-99999999", 10, None), ("bytes=0-0", 0, 0)],
)  # fmt: skip
def test_a_range_gets_206_with_exactly_those_bytes(
    client, studio_people, song, song_bytes, header, start, end
):
    response = logged_in(client, studio_people["alice"]).get(
        reverse("song_audio", args=[song.id]), HTTP_RANGE=header
    )
    expected = song_bytes[start : None if end is None else end + 1]
    first = start % len(song_bytes)
    assert response.status_code == 206
    assert body(response) == expected
    assert response["Content-Length"] == str(len(expected))
    assert (
        response["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(song_bytes)}"
    )
    assert response["Accept-Ranges"] == "bytes"


def test_a_range_past_the_end_gets_416(client, studio_people, song, song_bytes):
    response = logged_in(client, studio_people["alice"]).get(
        reverse("song_audio", args=[song.id]), HTTP_RANGE=f"bytes={len(song_bytes)}-"
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(song_bytes)}"
    assert body(response) == b""


def test_several_ranges_get_the_whole_file(client, studio_people, song, song_bytes):
    response = logged_in(client, studio_people["alice"]).get(
        reverse("song_audio", args=[song.id]), HTTP_RANGE="bytes=0-9,20-29"
    )
    assert response.status_code == 200 and body(response) == song_bytes


def test_validators_give_304_and_if_range_guards_the_range(client, studio_people, song, song_bytes):
    client = logged_in(client, studio_people["alice"])
    url = reverse("song_audio", args=[song.id])
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag).status_code == 206
    assert client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=last_modified).status_code == 206
    # The file changed since the client's copy (another validator): the whole file, not a piece.
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"0-0"')
    assert stale.status_code == 200 and body(stale) == song_bytes
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f"W/{etag}")  # weak never matches
    assert stale.status_code == 200


def test_head_gives_the_headers_without_the_body(client, studio_people, song, song_bytes):
    response = logged_in(client, studio_people["alice"]).head(
        reverse("song_audio", args=[song.id]), HTTP_RANGE="bytes=-500"
    )
    assert response.status_code == 206
    assert response["Content-Length"] == "500" and body(response) == b""
    assert (
        logged_in(client, studio_people["alice"])
        .post(reverse("song_audio", args=[song.id]))
        .status_code
        == 405
    )


def test_under_asgi_the_file_is_streamed_in_chunks_read_off_the_event_loop(
    studio_people, song, song_bytes
):
    request = RequestFactory().get(reverse("song_audio", args=[song.id]), HTTP_RANGE="bytes=1-")
    request.user = studio_people["alice"]
    response = song_audio(request, song_id=song.id)

    async def read():
        return [chunk async for chunk in response]

    with warnings.catch_warnings():
        # Django warns (and reads the whole file into memory) when it maps a plain iterator.
        warnings.simplefilter("error")
        chunks = async_to_sync(read)()
    response.close()
    assert b"".join(chunks) == song_bytes[1:]
    assert len(chunks) == -(-(len(song_bytes) - 1) // CHUNK_BYTES) > 1


# ---- who may fetch what -----------------------------------------------------------------------


@pytest.fixture
def video(studio_people, song):
    routine = make_routine(studio_people["alice"], song=song)
    export = VideoExport.objects.create(
        routine=routine, requested_by=studio_people["alice"], status=VideoExport.Status.SUCCEEDED
    )
    export.video.save("routine.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42" + bytes(5000)))
    return export


def private_urls(video):
    routine = video.routine
    return {
        "song audio": reverse("song_audio", args=[routine.song_id]),
        "routine audio": reverse("routine_audio", args=[routine.id]),
        "routine frames": reverse("routine_frames", args=[routine.id]),
        "video": reverse("video_export_download", args=[video.id]),
    }


def test_the_owner_and_their_teachers_get_every_file(client, studio_people, video):
    for person in ("alice", "instructor", "owner"):
        client.force_login(studio_people[person])
        for what, url in private_urls(video).items():
            response = client.get(url, HTTP_RANGE="bytes=0-3")
            assert response.status_code == 206, (person, what)
            assert len(body(response)) == 4


@pytest.mark.parametrize("person", ["bob", "outsider"])
def test_anyone_else_gets_404_for_every_file(client, studio_people, video, person):
    """Bob is a fellow student, Oscar in no studio: neither sees Alice's work."""
    client.force_login(studio_people[person])
    for what, url in private_urls(video).items():
        assert client.get(url).status_code == 404, what
        assert client.get(url, HTTP_RANGE="bytes=0-3").status_code == 404, what


def test_without_logging_in_every_file_redirects_to_the_login(client, video):
    for url in private_urls(video).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_media_folder_is_not_served(client, studio_people, video):
    client.force_login(studio_people["alice"])
    for name in (video.routine.song.audio.name, video.routine.frames.name, video.video.name):
        assert client.get(f"/media/{name}").status_code == 404


def test_a_student_hears_the_song_of_their_lesson_but_cannot_fetch_the_song_itself(
    client, studio_people, wav_file
):
    instructor, alice = studio_people["instructor"], studio_people["alice"]
    path = wav_file(6.0)
    song = create_song(instructor, SimpleUploadedFile(path.name, path.read_bytes()), "Class tune")
    routine = make_routine(instructor, song=song)
    lessons.assign_lesson(
        studio_people["studio"], instructor, routine, students=[alice], title="Solo",
        due_at=timezone.now() + timedelta(days=1), target_score=60.0,
    )  # fmt: skip
    client.force_login(alice)
    assert client.get(reverse("routine_audio", args=[routine.id])).status_code == 200
    assert client.get(reverse("song_audio", args=[song.id])).status_code == 404
    client.force_login(studio_people["bob"])  # not assigned
    assert client.get(reverse("routine_audio", args=[routine.id])).status_code == 404


def test_the_routine_frames_download_is_the_stored_array(client, studio_people, video):
    client.force_login(studio_people["alice"])
    response = client.get(reverse("routine_frames", args=[video.routine_id]))
    assert (
        response["Content-Disposition"] == f'attachment; filename="routine-{video.routine_id}.npy"'
    )
    frames = np.load(io.BytesIO(body(response)), allow_pickle=False)
    np.testing.assert_array_equal(frames, routine_frames(video.routine))


def test_the_video_downloads_as_an_attachment_with_ranges(client, studio_people, video):
    client.force_login(studio_people["alice"])
    response = client.get(
        reverse("video_export_download", args=[video.id]), HTTP_RANGE="bytes=4-11"
    )
    assert response.status_code == 206 and body(response) == b"ftypmp42"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("attachment")


# ---- the pages and the API link to the views --------------------------------------------------


def test_pages_documents_and_the_api_link_the_audio_through_the_views(client, studio_people, video):
    routine = video.routine
    client.force_login(studio_people["alice"])
    song_page = client.get(reverse("song", args=[routine.song_id])).content.decode()
    assert f'src="{reverse("song_audio", args=[routine.song_id])}"' in song_page
    routine_audio = reverse("routine_audio", args=[routine.id])
    for page in ("routine", "practice"):
        html = client.get(reverse(page, args=[routine.id])).content.decode()
        assert f'src="{routine_audio}"' in html and "/media/" not in html
    assert (
        client.get(reverse("api-routine-document", args=[routine.id])).json()["audio_url"]
        == routine_audio
    )
    api_song = client.get(reverse("api-song-detail", args=[routine.song_id])).json()
    assert (
        api_song["audio_url"] == f"http://testserver{reverse('song_audio', args=[routine.song_id])}"
    )


# ---- handing the file to a front web server or the storage ------------------------------------


def test_x_accel_hands_the_file_to_nginx(client, settings, studio_people, song):
    settings.MEDIA_ACCEL = "x-accel"
    settings.MEDIA_ACCEL_PREFIX = "/protected-media/"
    client.force_login(studio_people["alice"])
    response = client.get(reverse("song_audio", args=[song.id]), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200 and body(response) == b""  # nginx answers the range
    assert response["X-Accel-Redirect"] == f"/protected-media/{song.audio.name}"
    assert (
        response["Content-Type"] == "audio/x-wav"
        and response["Cache-Control"] == "private, no-cache"
    )
    client.force_login(studio_people["outsider"])
    assert client.get(reverse("song_audio", args=[song.id])).status_code == 404


def test_x_sendfile_names_the_files_path(client, settings, studio_people, song):
    settings.MEDIA_ACCEL = "x-sendfile"
    client.force_login(studio_people["alice"])
    response = client.get(reverse("song_audio", args=[song.id]))
    assert response["X-Sendfile"] == song.audio.path and body(response) == b""


def test_redirect_sends_the_browser_to_the_storages_url(client, settings, studio_people, wav_file):
    """With django-storages' S3 backend that URL is signed and expires; here Django's in-memory
    storage stands in for a storage with no local paths."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    path = wav_file(6.0)
    song = create_song(
        studio_people["alice"], SimpleUploadedFile(path.name, path.read_bytes()), "Remote"
    )
    client.force_login(studio_people["alice"])
    streamed = client.get(reverse("song_audio", args=[song.id]), HTTP_RANGE="bytes=-100")
    assert streamed.status_code == 206 and len(body(streamed)) == 100  # no path needed to stream
    settings.MEDIA_ACCEL = "redirect"
    response = client.get(reverse("song_audio", args=[song.id]))
    assert response.status_code == 302 and response["Location"] == song.audio.storage.url(
        song.audio.name
    )
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(studio_people["bob"])
    assert client.get(reverse("song_audio", args=[song.id])).status_code == 404
