"""Decode songs, and the limits an uploaded song must meet.

Every format goes through ffmpeg (the binary shipped by the `imageio-ffmpeg` wheel), so a file is
only accepted once it has really been decoded, whatever its name says. ffmpeg reads only the local
file itself (`-protocol_whitelist file`) and only with the demuxers of the allowed formats: a text
file can otherwise be a concat list or a playlist that makes ffmpeg read other files (another
user's stored song) or URLs.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

SAMPLE_RATE = 22050
ALLOWED_EXTENSIONS = (".mp3", ".wav", ".ogg", ".flac", ".m4a")
# ffmpeg's demuxers for those formats (m4a is read by the mov/mp4 demuxer, named by all its aliases).
ALLOWED_DEMUXERS = ("mp3", "wav", "ogg", "flac", "mov", "mp4", "m4a", "3gp", "3g2", "mj2")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MIN_DURATION_S = 5.0
MAX_DURATION_S = 10 * 60.0
# Peak level below which a song counts as silent (about -50 dBFS).
SILENCE_PEAK = 10 ** (-50 / 20)


class AudioError(ValueError):
    """A song that cannot be used; the message is meant for the person who uploaded it."""


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # (N,) float32 mono in [-1, 1]
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def decode(path: str | Path, sample_rate: int = SAMPLE_RATE) -> DecodedAudio:
    """Decode any audio file ffmpeg understands to mono float32 at `sample_rate`."""
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-nostdin",
        "-v",
        "error",
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        ",".join(ALLOWED_DEMUXERS),
        "-i",
        str(path),
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(sample_rate),
        # Stop reading well past the limit so a huge file cannot exhaust memory.
        "-t",
        str(MAX_DURATION_S + 1),
        "-f",
        "f32le",
        "-",
    ]
    result = subprocess.run(cmd, capture_output=True, check=False)
    if b"not on whitelist" in result.stderr:
        allowed = ", ".join(ext.lstrip(".") for ext in ALLOWED_EXTENSIONS)
        raise AudioError(
            f"This is not an audio file of a supported format ({allowed}), whatever its name says."
        )
    if result.returncode != 0 or not result.stdout:
        raise AudioError(
            "This file could not be read as audio. Is it a damaged or unsupported file?"
        )
    samples = np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)
    return DecodedAudio(samples=samples, sample_rate=sample_rate)


def load_song(path: str | Path, size_bytes: int | None = None) -> DecodedAudio:
    """Decode an uploaded song and check it against the limits; raise `AudioError` if it fails."""
    path = Path(path)
    if path.suffix.lower() not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(ext.lstrip(".") for ext in ALLOWED_EXTENSIONS)
        raise AudioError(
            f"Unsupported file type '{path.suffix or 'none'}'. Please upload one of: {allowed}."
        )
    size_bytes = path.stat().st_size if size_bytes is None else size_bytes
    if size_bytes > MAX_UPLOAD_BYTES:
        raise AudioError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    audio = decode(path)
    if audio.duration_s > MAX_DURATION_S:
        raise AudioError(f"The song is longer than {MAX_DURATION_S / 60:.0f} minutes.")
    if audio.duration_s < MIN_DURATION_S:
        raise AudioError(f"The song is shorter than {MIN_DURATION_S:.0f} seconds.")
    if not np.isfinite(audio.samples).all() or np.abs(audio.samples).max() < SILENCE_PEAK:
        raise AudioError("The song is silent: no sound could be heard in it.")
    return audio
