"""Objects the coach tests need, made through the real services."""

import numpy as np

from coach.practice.models import Attempt
from coach.routines.models import GenerationJob
from coach.routines.services import store_routine
from coach.songs.models import Song
from scoring.skeleton import CANONICAL_FPS, JOINTS


def make_song(owner, title="Tune", duration_s=30.0):
    return Song.objects.create(
        owner=owner, title=title, audio="songs/none.wav", duration_s=duration_s
    )


def make_routine(owner, song=None, n_frames=90):
    song = song or make_song(owner)
    rng = np.random.default_rng(0)
    frames = rng.normal(0, 0.3, (n_frames, len(JOINTS), 3)).astype(np.float32)
    routine = {
        "fps": CANONICAL_FPS,
        "joints": JOINTS,
        "frames": frames,
        "beats": [0.5, 1.0, 1.5, 2.0],
        "downbeats": [0.5],
        "segments": [{"start_s": 0.5, "end_s": 2.5, "label": "A"}],
        "style": "waltz",
        "level": "beginner",
        "seed": 0,
        "model": "test",
        "tempo_bpm": 120.0,
    }
    return store_routine(song, owner, routine)


def make_job(owner, song=None):
    return GenerationJob.objects.create(
        song=song or make_song(owner), requested_by=owner, style="pop", level="advanced"
    )


def make_attempt(learner, routine, studio=None):
    """An attempt made for `studio` (a lesson or class of it), or the learner's own practice."""
    return Attempt.objects.create(routine=routine, learner=learner, studio=studio)
