"""Issue 16, finding 6: ffmpeg decodes only audio files of the allowed formats, read from the
local file itself: no concat lists, playlists or network protocols that pull in other files."""

import subprocess
import tempfile

import imageio_ffmpeg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.songs.models import Song
from coach.songs.services import AudioError, create_song

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload_dir(tmp_path, monkeypatch):
    """Uploads are copied to a temporary file before decoding: make that folder one we know, so a
    list can name a real song beside it by a relative ("safe") path, as a stored song's would be."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_an_ffconcat_list_named_mp3_is_refused(make_user, wav_file, upload_dir, isolated_media):
    """The probe's case: a concat list pulling in another stored song was accepted as that song.
    (An HLS playlist named .mp3 is already refused by ffmpeg 9, which ignores playlists whose
    name does not end in .m3u8; the whitelist refuses it too.)"""
    text = "ffconcat version 1.0\nfile 'victim.wav'\n"
    victim = wav_file(8.0)
    (upload_dir / "victim.wav").write_bytes(victim.read_bytes())
    with pytest.raises(AudioError, match="not an audio file of a supported format"):
        create_song(make_user("mallory"), SimpleUploadedFile("innocent.mp3", text.encode()))
    assert Song.objects.count() == 0


def test_every_allowed_format_still_decodes(make_user, wav_file, tmp_path):
    """The whitelist names each allowed format's demuxer: an upload in each of them is accepted."""
    source = wav_file(6.0)
    owner = make_user("alice")
    for extension in (".mp3", ".ogg", ".flac", ".m4a"):
        converted = tmp_path / f"song{extension}"
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-v",
                "error",
                "-y",
                "-i",
                str(source),
                str(converted),
            ],
            check=True,
        )
        song = create_song(owner, SimpleUploadedFile(converted.name, converted.read_bytes()))
        assert song.duration_s == pytest.approx(6.0, abs=0.1)
