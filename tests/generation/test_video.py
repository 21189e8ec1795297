"""Routine video rendering on real data: a ballroom waltz capture danced to a real drum recording
with its human beat and downbeat annotations (`music/annotated/gmd_disco_120`)."""

import cv2
import numpy as np
import pytest

from generation.data.ballroom import ballroom_index, load_ballroom
from generation.data.paths import shared_dir
from generation.video import (
    DOWNBEAT,
    FrameRenderer,
    VideoError,
    downbeat_mask,
    project_routine,
    write_video,
)
from scoring.skeleton import JOINT_INDEX, JOINTS

SONG = shared_dir() / "music" / "annotated" / "gmd_disco_120.ogg"
SECONDS = 4.0


@pytest.fixture(scope="module")
def waltz():
    entry = next(e for e in ballroom_index() if e["style"] == "waltz")
    return load_ballroom(entry)


@pytest.fixture(scope="module")
def annotations():
    table = np.loadtxt(SONG.with_suffix(".beats"))
    return table[:, 0], table[table[:, 1] == 1, 0]


@pytest.fixture(scope="module")
def routine(waltz, annotations):
    beats, downbeats = annotations
    n = int(SECONDS * waltz.fps)
    return {
        "fps": waltz.fps,
        "joints": list(JOINTS),
        "frames": waltz.frames[:n],
        "beats": beats[beats < SECONDS].tolist(),
        "downbeats": downbeats[downbeats < SECONDS].tolist(),
        # A phrase starts on the beat at 2.5 s: the count starts again from 1 there.
        "segments": [{"start_s": 0.0, "end_s": 2.5}, {"start_s": 2.5, "end_s": SECONDS}],
        "style": "waltz",
        "level": "beginner",
    }


def test_downbeats_are_the_annotated_bar_starts(annotations):
    beats, downbeats = annotations
    mask = downbeat_mask(beats, downbeats)
    assert mask.sum() == len(downbeats)
    assert np.allclose(beats[mask], downbeats)
    assert not downbeat_mask(beats, []).any()


def test_the_camera_follows_the_dancer_across_the_floor(waltz):
    frames = waltz.frames[: int(20 * waltz.fps)]
    p = project_routine(frames, JOINTS, waltz.fps, 640, 360)
    # The waltz travels: the pelvis covers more than half the frame's width of floor...
    pelvis = frames[:, JOINT_INDEX["pelvis"]][:, [0, 2]]
    assert np.ptp(pelvis, axis=0).max() * p.scale > 320
    # ...yet stays in the middle half of the picture.
    assert np.abs(p.points[:, JOINT_INDEX["pelvis"], 0] - 320).max() < 160
    # Feet on the floor line (ankle joints sit 8-15 cm above the floor), head well above it.
    assert abs(np.median(p.points[:, JOINT_INDEX["left_ankle"], 1]) - p.floor_y) < 0.25 * p.scale
    assert (p.points[:, JOINT_INDEX["head"], 1] < p.floor_y - 1.2 * p.scale).all()


def test_the_camera_stays_in_front_of_a_turning_dancer(waltz):
    frames = waltz.frames[: int(60 * waltz.fps)]
    left = frames[:, JOINT_INDEX["left_hip"]] - frames[:, JOINT_INDEX["right_hip"]]
    heading = np.unwrap(np.arctan2(left[:, 2], left[:, 0]))
    assert np.ptp(heading) > 2 * np.pi  # the couple turns all the way round, more than once
    p = project_routine(frames, JOINTS, waltz.fps, 640, 360)
    # Seen from the front, the dancer's left hip shows on the picture's right.
    front = p.points[:, JOINT_INDEX["left_hip"], 0] > p.points[:, JOINT_INDEX["right_hip"], 0]
    assert front.mean() > 0.85
    assert front[: int(waltz.fps)].all()


def _amber_pixels(image: np.ndarray) -> int:
    distance = np.abs(image.astype(np.int64) - np.array(DOWNBEAT)).sum(axis=-1)
    return int((distance < 60).sum())


def test_downbeat_counts_are_drawn_in_the_emphasis_colour(routine):
    renderer = FrameRenderer(routine, 640, 360, title="Disco")
    fps = routine["fps"]
    top_right = (slice(0, 100), slice(520, 640))
    on_downbeat = renderer.frame(int(round(2.0 * fps)))[top_right]  # bar 2 starts at 2.0 s
    on_upbeat = renderer.frame(int(round(1.5 * fps)))[top_right]
    assert _amber_pixels(on_downbeat) > 200
    assert _amber_pixels(on_upbeat) < 20


def test_the_mp4_plays_anywhere_with_the_music(routine, tmp_path):
    fractions = []
    path = tmp_path / "waltz.mp4"
    info = write_video(
        routine, path, SONG, title="Disco", progress=lambda f, m: fractions.append(f)
    )
    assert (
        info.video_codec == "h264" and info.pixel_format == "yuv420p" and info.audio_codec == "aac"
    )
    assert info.fps == routine["fps"] and (info.width, info.height) == (640, 360)
    assert info.duration_s == pytest.approx(SECONDS, abs=0.05)
    # Decoded independently, every routine frame is there.
    capture = cv2.VideoCapture(str(path))
    decoded = 0
    while capture.read()[0]:
        decoded += 1
    assert decoded == len(routine["frames"])
    # +faststart: the index (moov) comes before the media data, so playback starts at once.
    head = path.read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 50
    assert not list(tmp_path.glob(".*partial*"))


def test_a_missing_song_or_odd_size_is_a_clear_error(routine, tmp_path):
    with pytest.raises(VideoError, match="audio file is missing"):
        write_video(routine, tmp_path / "x.mp4", tmp_path / "nowhere.ogg")
    with pytest.raises(VideoError, match="even"):
        write_video(routine, tmp_path / "x.mp4", SONG, size=(641, 360))
    assert not list(tmp_path.iterdir())
