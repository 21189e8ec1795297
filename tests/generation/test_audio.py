"""Decoding uploads: every accepted format, and clear refusals for unusable files."""

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

from generation import audio, demo_song, music_eval


@pytest.fixture(scope="module")
def demo_wav(tmp_path_factory):
    path = tmp_path_factory.mktemp("audio") / "demo.wav"
    demo_song.write_wav(demo_song.synthesise(duration_s=8.0), path)
    return path


def ffmpeg(*args) -> None:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *map(str, args)],
        check=True,
    )


@pytest.mark.parametrize("extension", [".wav", ".mp3", ".ogg", ".flac", ".m4a"])
def test_every_upload_format_decodes_to_mono_22050(demo_wav, tmp_path, extension):
    path = tmp_path / f"song{extension}"
    ffmpeg("-i", demo_wav, "-ac", "2", "-ar", "44100", path)  # stereo 44.1 kHz, as uploads are
    song = audio.load_song(path)
    assert song.sample_rate == audio.SAMPLE_RATE
    assert song.samples.ndim == 1 and song.samples.dtype == np.float32
    # Lossy encoders add a little padding; the length is still the song's.
    assert song.duration_s == pytest.approx(8.0, abs=0.1)
    assert 0.3 < np.abs(song.samples).max() <= 1.05


def test_real_annotated_recordings_decode():
    clip = next(c for c in music_eval.load_annotated() if c.name == "brid_samba_tamborim")
    song = audio.load_song(clip.path)
    assert song.duration_s == pytest.approx(28.06, abs=0.05)


def test_corrupt_file_is_refused(tmp_path):
    path = tmp_path / "broken.mp3"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    with pytest.raises(audio.AudioError, match="could not be read"):
        audio.load_song(path)


def test_a_renamed_text_file_is_refused(tmp_path):
    path = tmp_path / "notes.ogg"
    path.write_text("not music at all\n" * 100)
    with pytest.raises(audio.AudioError, match="could not be read"):
        audio.load_song(path)


def test_unsupported_extension_is_refused(tmp_path, demo_wav):
    path = tmp_path / "song.aiff"
    path.write_bytes(demo_wav.read_bytes())
    with pytest.raises(audio.AudioError, match="Unsupported file type"):
        audio.load_song(path)


def test_silent_file_is_refused(tmp_path):
    path = tmp_path / "silence.flac"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "8", path)
    with pytest.raises(audio.AudioError, match="silent"):
        audio.load_song(path)


def test_too_short_file_is_refused(tmp_path, demo_wav):
    path = tmp_path / "short.wav"
    ffmpeg("-i", demo_wav, "-t", "3", path)
    with pytest.raises(audio.AudioError, match="shorter than 5 seconds"):
        audio.load_song(path)


@pytest.mark.slow
def test_too_long_file_is_refused(tmp_path):
    path = tmp_path / "long.ogg"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=220:sample_rate=8000",
        "-t",
        audio.MAX_DURATION_S + 20,
        path,
    )
    with pytest.raises(audio.AudioError, match="longer than 10 minutes"):
        audio.load_song(path)


def test_too_large_upload_is_refused(demo_wav):
    with pytest.raises(audio.AudioError, match="larger than 50 MB"):
        audio.load_song(demo_wav, size_bytes=audio.MAX_UPLOAD_BYTES + 1)
