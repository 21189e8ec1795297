"""A routine danced by a real person for the page tests: a ballroom waltz capture (real motion
capture, `generation.data.ballroom`) on a steady beat, with phrases that start a few ms before
their first beat, as the generator's frame grid makes them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from coach.routines.services import store_routine
from coach.songs.services import create_song
from generation.data.ballroom import ballroom_index, load_ballroom
from scoring.skeleton import JOINTS

BEAT_S = 0.5
FIRST_BEAT_S = 0.5
PHRASE_EARLY_S = 0.016  # half a frame at 30 fps


def make_danced_routine(owner, wav_file, seconds: float = 12.0, title: str = "Groove"):
    path = wav_file(seconds)
    song = create_song(owner, SimpleUploadedFile(path.name, path.read_bytes()), title)
    clip = load_ballroom(next(e for e in ballroom_index() if e["style"] == "waltz"))
    n_frames = int(seconds * clip.fps)
    beats = [FIRST_BEAT_S + BEAT_S * i for i in range(int((seconds - FIRST_BEAT_S) / BEAT_S))]
    phrase_starts = [round(beats[i] - PHRASE_EARLY_S, 3) for i in range(0, len(beats), 8)]
    ends = [*phrase_starts[1:], seconds]
    routine = {
        "fps": clip.fps,
        "joints": list(JOINTS),
        "frames": clip.frames[:n_frames],
        "beats": beats,
        "downbeats": beats[::4],
        "segments": [
            {"start_s": s, "end_s": e, "label": f"phrase {i + 1}", "repeat_of": None}
            for i, (s, e) in enumerate(zip(phrase_starts, ends, strict=True))
        ],
        "style": "waltz",
        "level": "beginner",
        "seed": 0,
        "model": "motion capture",
        "tempo_bpm": 60 / BEAT_S,
    }
    return store_routine(song, owner, routine)
