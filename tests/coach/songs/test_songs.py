"""Song uploads: real decoding, readable refusals, nothing half-saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coach.songs.models import Song
from coach.songs.services import AudioError, create_song

pytestmark = pytest.mark.django_db


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_a_real_song_is_decoded_and_stored(make_user, wav_file, isolated_media):
    song = create_song(make_user("alice"), upload(wav_file(8.0)), "My tune")
    assert song.title == "My tune"
    assert song.duration_s == pytest.approx(8.0, abs=0.05)
    assert song.audio.storage.exists(song.audio.name)


@pytest.mark.parametrize(
    ("make_kwargs", "name", "message"),
    [
        ({"duration_s": 2.0}, None, "shorter than"),
        ({"silent": True}, None, "silent"),
        ({}, "song.txt", "Unsupported file type"),
    ],
)
def test_bad_songs_are_refused_and_nothing_is_saved(
    make_user, wav_file, isolated_media, make_kwargs, name, message
):
    with pytest.raises(AudioError, match=message):
        create_song(make_user("alice"), upload(wav_file(**make_kwargs), name=name))
    assert Song.objects.count() == 0
    assert stored_files(isolated_media) == []


def test_a_corrupt_file_is_refused(make_user, tmp_path, isolated_media):
    corrupt = tmp_path / "broken.mp3"
    corrupt.write_bytes(b"ID3" + bytes(range(256)) * 40)
    with pytest.raises(AudioError, match="could not be read"):
        create_song(make_user("alice"), upload(corrupt))
    assert Song.objects.count() == 0 and stored_files(isolated_media) == []


def test_upload_page_shows_the_reason_for_a_refusal(client, make_user, wav_file):
    client.force_login(make_user("alice"))
    response = client.post(reverse("songs"), {"title": "", "audio": upload(wav_file(silent=True))})
    assert response.status_code == 400
    assert "silent" in response.content.decode()
    assert Song.objects.count() == 0


def test_upload_page_stores_the_song_and_lists_it(client, make_user, wav_file):
    client.force_login(make_user("alice"))
    response = client.post(
        reverse("songs"), {"title": "Warm-up", "audio": upload(wav_file())}, follow=True
    )
    assert response.status_code == 200
    assert "Warm-up" in client.get(reverse("songs")).content.decode()
