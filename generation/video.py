"""Render a routine as an MP4: the dancer seen from the front, the beat counts and the music.

numpy and OpenCV draw the frames; the ffmpeg binary of `imageio-ffmpeg` encodes them. No Django.

The frames are piped raw into one ffmpeg process that encodes H.264 (yuv420p) and AAC into an MP4
with its index at the front (``+faststart``), so browsers and phones start playing while it
downloads. OpenCV's own writer cannot encode H.264 (its wheel has no x264), so writing through it
first would mean encoding twice, losing quality and time.

A routine here is the documented routine dict: ``frames`` (T, J, 3) float metres, +Y up, floor at
y = 0, at ``fps``; ``joints`` (J names of `scoring.skeleton.JOINTS`); ``beats`` and
``downbeats`` in seconds on the song clock; ``segments`` (phrases ``{"start_s", "end_s", ...}``);
``style`` and ``level``.
"""

import os
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from generation.counts import COUNTS_PER_PHRASE, beat_counts
from generation.styles import STYLES
from scoring.skeleton import BODY_PARTS, BONES

Progress = Callable[[float, str], None]

DEFAULT_SIZE = (640, 360)


def _bgr(hex_colour: str) -> tuple[int, int, int]:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return blue, green, red


# The body-part colours of the dancer, here and on the site's pages (`coach.templatetags.dancer`
# hands them to static/js/dancer.js): the torso and head in the site's lilac, left and right limbs
# in their own tones so turns read clearly.
PART_COLOURS = {
    "torso": "#9f8cff",
    "head": "#9f8cff",
    "left_arm": "#4dd0e1",
    "left_leg": "#4dd0e1",
    "right_arm": "#81c784",
    "right_leg": "#81c784",
}
# Colours (BGR) follow the site: the stage background, white joints, the grid grey.
BACKGROUND = (31, 20, 20)  # #14141f
FLOOR = (102, 68, 68)  # #444466
TRACK = (58, 42, 42)  # #2a2a3a
JOINT = (255, 255, 255)
TEXT = (255, 255, 255)
MUTED = (184, 160, 160)  # #a0a0b8
ACCENT = _bgr(PART_COLOURS["torso"])
DOWNBEAT = (0, 180, 255)  # #ffb400, the site's focus colour
# Drawing geometry, in fractions of the frame height unless named otherwise.
FLOOR_LEVEL = 0.86
STAGE_TOP = 0.10
STAGE_HEIGHT_M = 2.0  # metres of height between the floor line and STAGE_TOP
STAGE_WIDTH_M = 2.6  # at least this many metres across
HEAD_RADIUS_M = 0.10
FOLLOW_WINDOW_S = 1.5  # the camera follows the pelvis averaged over this window
FACING_WINDOW_S = 4.0  # ...and the dancer's facing averaged over this one
CAMERA_TURN_DEG_S = 90.0
FLOOR_TICK_M = 0.5
PULSE_S = 0.15  # a count swells on its beat and settles over about this long
SUBPIXEL_BITS = 4  # OpenCV draws at 1/16 pixel, so slow movements do not jitter

_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Video: (\w+).*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+).*?, ([\d.]+) fps")
_AUDIO = re.compile(r"Audio: (\w+)")


class VideoError(RuntimeError):
    """The video could not be made; the message says why in words a person can act on."""


@dataclass(frozen=True)
class VideoInfo:
    """Facts read back from an encoded file."""

    duration_s: float
    fps: float
    width: int
    height: int
    video_codec: str
    pixel_format: str
    audio_codec: str | None


@dataclass(frozen=True)
class Projection:
    """The dancer seen by a camera in front of them, following the pelvis (`project_routine`).

    ``points`` (T, J, 2) float32 pixels (x right, y down); ``depth`` (T, J) float32 metres towards
    the camera relative to the pelvis; ``camera_m`` (T,) the camera's sideways position in metres
    (what the floor ticks scroll against); ``floor_y`` and ``scale`` (pixels per metre).
    """

    points: np.ndarray
    depth: np.ndarray
    camera_m: np.ndarray
    floor_y: float
    scale: float


def downbeat_mask(beats, downbeats, tolerance_s: float = 0.02) -> np.ndarray:
    """(B,) bool: which beats are the first beat of a bar."""
    beats = np.asarray(beats, dtype=np.float64)
    downbeats = np.sort(np.asarray(downbeats, dtype=np.float64))
    if not len(downbeats) or not len(beats):
        return np.zeros(len(beats), dtype=bool)
    nearest = np.clip(np.searchsorted(downbeats, beats), 1, len(downbeats) - 1)
    gap = np.minimum(np.abs(downbeats[nearest] - beats), np.abs(downbeats[nearest - 1] - beats))
    return gap <= tolerance_s


def _moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average along axis 0 of (T, ...) values, edges held: (T, ...)."""
    window = max(window | 1, 1)
    padded = np.pad(
        values, [(window // 2, window // 2)] + [(0, 0)] * (values.ndim - 1), mode="edge"
    )
    sums = np.cumsum(padded, axis=0)
    sums = np.concatenate([np.zeros_like(sums[:1]), sums])
    return (sums[window:] - sums[:-window]) / window


def camera_yaw(frames: np.ndarray, joints, fps: float) -> np.ndarray:
    """(T,) radians: the horizontal direction of the dancer's left as the camera sees it.

    The dancer's facing (hips and shoulders) averaged over `FACING_WINDOW_S`, so a spin shows as
    a spin while a dancer who turns and stays turned is soon seen from the front again; the camera
    never turns faster than `CAMERA_TURN_DEG_S`, so a half turn does not flip the picture.
    """
    index = {name: i for i, name in enumerate(joints)}
    left = frames[:, index["left_hip"]] - frames[:, index["right_hip"]]
    left = left + frames[:, index["left_shoulder"]] - frames[:, index["right_shoulder"]]
    heading = np.arctan2(left[:, 2], left[:, 0])
    # Average unit vectors, not angles, so that -179 and 179 degrees average to 180.
    mean = _moving_average(
        np.stack([np.cos(heading), np.sin(heading)], axis=1), int(round(FACING_WINDOW_S * fps))
    )
    target = np.arctan2(mean[:, 1], mean[:, 0])
    max_step = np.radians(CAMERA_TURN_DEG_S) / fps
    yaw = np.empty(len(frames))
    yaw[0] = target[0]
    for t in range(1, len(frames)):
        turn = (target[t] - yaw[t - 1] + np.pi) % (2 * np.pi) - np.pi
        yaw[t] = yaw[t - 1] + np.clip(turn, -max_step, max_step)
    return yaw


def camera_path(frames: np.ndarray, joints, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Where the camera in front of the dancer looks from, per frame: ``centre`` (T, 3) metres,
    the pelvis averaged over `FOLLOW_WINDOW_S` (the camera slides with the dancer's travel), and
    ``yaw`` (T,) radians (`camera_yaw`). The MP4 and the site's pages (the routine document's
    ``camera``) both draw from it."""
    frames = np.asarray(frames, dtype=np.float64)
    pelvis = frames[:, list(joints).index("pelvis")]
    centre = _moving_average(pelvis, int(round(FOLLOW_WINDOW_S * fps)))
    return centre, camera_yaw(frames, joints, fps)


def project_routine(frames: np.ndarray, joints, fps: float, width: int, height: int) -> Projection:
    """Project (T, J, 3) metres onto a width x height frame (see `Projection`).

    Orthographic, from in front of the dancer (`camera_yaw`): the dancer's left appears on the
    right, as when facing someone; the camera slides with the pelvis (averaged over
    `FOLLOW_WINDOW_S`) so the dancer stays near the centre while the floor ticks show the travel.
    """
    frames = np.asarray(frames, dtype=np.float64)
    camera, yaw = camera_path(frames, joints, fps)
    # Per frame: left = (cos, 0, sin); facing = left x up = (-sin, 0, cos).
    left = np.stack([np.cos(yaw), np.zeros_like(yaw), np.sin(yaw)], axis=1)
    forward = np.stack([-np.sin(yaw), np.zeros_like(yaw), np.cos(yaw)], axis=1)
    pelvis = frames[:, list(joints).index("pelvis")]
    sideways = np.einsum("tjc,tc->tj", frames - camera[:, None], left)
    floor_y = FLOOR_LEVEL * height
    scale = min((floor_y - STAGE_TOP * height) / STAGE_HEIGHT_M, width / STAGE_WIDTH_M)
    points = np.stack([width / 2 + sideways * scale, floor_y - frames[..., 1] * scale], axis=-1)
    depth = np.einsum("tjc,tc->tj", frames - pelvis[:, None], forward)
    camera_m = np.einsum("tc,tc->t", camera, left)
    return Projection(points.astype(np.float32), depth.astype(np.float32), camera_m, floor_y, scale)


def ascii_text(text: str) -> str:
    """OpenCV's Hershey fonts draw ASCII only: fold accents away and drop what remains."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.split())


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class FrameRenderer:
    """Draws the frames of one routine video; `frame(k)` is (height, width, 3) uint8 BGR."""

    def __init__(self, routine: dict, width: int, height: int, title: str = ""):
        self.fps = float(routine["fps"])
        self.width, self.height = width, height
        frames = np.asarray(routine["frames"], dtype=np.float32)
        self.n_frames = len(frames)
        self.duration_s = self.n_frames / self.fps
        joints = list(routine["joints"])
        self.projection = project_routine(frames, joints, self.fps, width, height)
        self.bones = np.array([(joints.index(a), joints.index(b)) for a, b in BONES])
        part_of = {joint: part for part, members in BODY_PARTS.items() for joint in members}
        bone_colours = [_bgr(PART_COLOURS[part_of[b]]) for _, b in BONES]
        self.bone_colours = np.array(bone_colours, dtype=np.float64)
        self.head = joints.index("head")
        self.pelvis = joints.index("pelvis")
        self.beats = np.asarray(routine["beats"], dtype=np.float64)
        self.counts = beat_counts(
            self.beats, routine.get("downbeats") or [], routine.get("segments") or []
        )
        self.downbeats = downbeat_mask(self.beats, routine.get("downbeats") or [])
        gaps = np.diff(self.beats)
        self.beat_period = float(np.median(gaps)) if len(gaps) else 0.5
        self.u = height / 360.0  # layout unit: one pixel at 360 lines
        self.background = self._background(
            title, routine.get("style", ""), routine.get("level", "")
        )

    def _background(self, title: str, style: str, level: str) -> np.ndarray:
        u = self.u
        canvas = np.empty((self.height, self.width, 3), dtype=np.uint8)
        canvas[:] = BACKGROUND
        floor_y = int(round(self.projection.floor_y))
        cv2.line(
            canvas, (0, floor_y), (self.width, floor_y), FLOOR, max(int(2 * u), 1), cv2.LINE_AA
        )
        font = cv2.FONT_HERSHEY_DUPLEX
        if title:
            cv2.putText(
                canvas,
                ascii_text(title)[:40],
                (int(12 * u), int(26 * u)),
                font,
                0.6 * u,
                TEXT,
                max(int(u), 1),
                cv2.LINE_AA,
            )
        subtitle = " | ".join(
            part for part in (STYLES.get(style, (style,))[0], level.capitalize()) if part
        )
        if subtitle:
            cv2.putText(
                canvas,
                ascii_text(subtitle),
                (int(12 * u), int(48 * u)),
                font,
                0.5 * u,
                MUTED,
                max(int(u), 1),
                cv2.LINE_AA,
            )
        bar_y = self.height - int(10 * u)
        cv2.line(
            canvas,
            (int(12 * u), bar_y),
            (self.width - int(12 * u), bar_y),
            TRACK,
            max(int(4 * u), 1),
            cv2.LINE_AA,
        )
        return canvas

    def frames(self) -> Iterator[np.ndarray]:
        for k in range(self.n_frames):
            yield self.frame(k)

    def frame(self, k: int) -> np.ndarray:
        canvas = self.background.copy()
        t = k / self.fps
        self._draw_floor_ticks(canvas, k)
        self._draw_dancer(canvas, k)
        self._draw_count(canvas, t)
        self._draw_song_progress(canvas, t)
        return canvas

    def _draw_floor_ticks(self, canvas: np.ndarray, k: int) -> None:
        p, u = self.projection, self.u
        half_width_m = self.width / 2 / p.scale
        camera = p.camera_m[k]
        first = np.ceil((camera - half_width_m) / FLOOR_TICK_M)
        last = np.floor((camera + half_width_m) / FLOOR_TICK_M)
        floor_y = int(round(p.floor_y))
        for tick in np.arange(first, last + 1) * FLOOR_TICK_M:
            x = int(round(self.width / 2 + (tick - camera) * p.scale))
            cv2.line(
                canvas,
                (x, floor_y),
                (x - int(6 * u), floor_y + int(8 * u)),
                FLOOR,
                max(int(u), 1),
                cv2.LINE_AA,
            )
        pelvis_x = int(round(p.points[k, self.pelvis, 0]))
        cv2.ellipse(
            canvas,
            (pelvis_x, floor_y),
            (int(0.28 * p.scale), int(5 * u)),
            0,
            0,
            360,
            TRACK,
            -1,
            cv2.LINE_AA,
        )

    def _draw_dancer(self, canvas: np.ndarray, k: int) -> None:
        p, u = self.projection, self.u
        one = 1 << SUBPIXEL_BITS
        points = np.round(p.points[k] * one).astype(np.int64)
        depth = p.depth[k]
        bone_depth = depth[self.bones].mean(axis=1)
        # Far limbs first and dimmer, so the near side is drawn over them and reads as in front.
        shade = np.clip(1.0 + 2.5 * bone_depth, 0.55, 1.0)
        thickness = max(int(round(4 * u)), 1)
        for i in np.argsort(bone_depth):
            a, b = self.bones[i]
            colour = tuple(float(c) for c in self.bone_colours[i] * shade[i])
            cv2.line(
                canvas,
                tuple(points[a]),
                tuple(points[b]),
                colour,
                thickness,
                cv2.LINE_AA,
                SUBPIXEL_BITS,
            )
        for j in np.argsort(depth):
            if j == self.head:
                radius = int(round(HEAD_RADIUS_M * p.scale * one))
                cv2.circle(canvas, tuple(points[j]), radius, ACCENT, -1, cv2.LINE_AA, SUBPIXEL_BITS)
                cv2.circle(
                    canvas,
                    tuple(points[j]),
                    radius,
                    JOINT,
                    max(int(u), 1),
                    cv2.LINE_AA,
                    SUBPIXEL_BITS,
                )
            else:
                cv2.circle(
                    canvas,
                    tuple(points[j]),
                    int(3 * u * one),
                    JOINT,
                    -1,
                    cv2.LINE_AA,
                    SUBPIXEL_BITS,
                )

    def _draw_count(self, canvas: np.ndarray, t: float) -> None:
        beat = int(np.searchsorted(self.beats, t + 1e-6, side="right")) - 1
        if beat < 0 or t - self.beats[beat] > 1.5 * self.beat_period:
            return
        u = self.u
        count, downbeat = int(self.counts[beat]), bool(self.downbeats[beat])
        pulse = 1.0 + 0.35 * np.exp(-(t - self.beats[beat]) / PULSE_S)
        size = (1.9 if downbeat else 1.5) * u * pulse
        colour = DOWNBEAT if downbeat else TEXT
        text = str(count)
        font = cv2.FONT_HERSHEY_DUPLEX
        weight = max(int(round((4 if downbeat else 3) * u)), 1)
        (text_w, text_h), _ = cv2.getTextSize(text, font, size, weight)
        centre_x, base_y = self.width - int(48 * u), int(62 * u)
        cv2.putText(
            canvas,
            text,
            (centre_x - text_w // 2, base_y + (text_h - int(34 * u)) // 2),
            font,
            size,
            colour,
            weight,
            cv2.LINE_AA,
        )
        # Eight dots under the number: where in the 8-count the dancer is.
        step = int(9 * u)
        left = centre_x - step * (COUNTS_PER_PHRASE - 1) // 2
        for i in range(COUNTS_PER_PHRASE):
            filled = i < count
            dot_colour = colour if i == count - 1 else (MUTED if filled else TRACK)
            cv2.circle(
                canvas,
                (left + i * step, int(84 * u)),
                max(int(3 * u), 1),
                dot_colour,
                -1,
                cv2.LINE_AA,
            )

    def _draw_song_progress(self, canvas: np.ndarray, t: float) -> None:
        u = self.u
        bar_y = self.height - int(10 * u)
        x0, x1 = int(12 * u), self.width - int(12 * u)
        fraction = min(t / self.duration_s, 1.0) if self.duration_s else 0.0
        cv2.line(
            canvas,
            (x0, bar_y),
            (x0 + int((x1 - x0) * fraction), bar_y),
            ACCENT,
            max(int(4 * u), 1),
            cv2.LINE_AA,
        )
        label = f"{_clock(t)} / {_clock(self.duration_s)}"
        font = cv2.FONT_HERSHEY_SIMPLEX
        (label_w, _), _ = cv2.getTextSize(label, font, 0.45 * u, 1)
        cv2.putText(
            canvas,
            label,
            (x1 - label_w, bar_y - int(8 * u)),
            font,
            0.45 * u,
            MUTED,
            max(int(u), 1),
            cv2.LINE_AA,
        )


def _rate(fps: float) -> str:
    rate = Fraction(fps).limit_denominator(1001)
    return f"{rate.numerator}/{rate.denominator}"


def write_video(
    routine: dict,
    out_path: str | Path,
    audio_path: str | Path | None = None,
    *,
    audio_start_s: float = 0.0,
    title: str = "",
    size: tuple[int, int] = DEFAULT_SIZE,
    preset: str = "veryfast",
    crf: int = 23,
    progress: Progress | None = None,
) -> VideoInfo:
    """Render `routine` (module docstring) to an H.264/AAC MP4 at `out_path` and read it back.

    The video has one frame per routine frame at the routine's fps; `audio_path` (the song, from
    `audio_start_s` seconds in) is cut to the same length. The file appears at `out_path` only when
    complete. `progress(fraction, message)` is called about a hundred times. Raises `VideoError`.
    """
    width, height = size
    if width % 2 or height % 2:
        raise VideoError("The video width and height must be even numbers (H.264 in yuv420p).")
    if audio_path is not None and not Path(audio_path).is_file():
        raise VideoError("The song's audio file is missing.")
    renderer = FrameRenderer(routine, width, height, title)
    if renderer.n_frames == 0:
        raise VideoError("The routine has no frames to draw.")
    report = progress or (lambda fraction, message: None)
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.stem}.partial.mp4")
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}",
        "-framerate", _rate(renderer.fps), "-i", "pipe:0",
    ]  # fmt: skip
    if audio_path is not None:
        cmd += [
            "-ss",
            f"{audio_start_s:.3f}",
            "-i",
            str(audio_path),
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
        ]
    cmd += [
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-t", f"{renderer.duration_s:.6f}", "-f", "mp4", str(partial),
    ]  # fmt: skip
    every = max(renderer.n_frames // 100, 1)
    with tempfile.TemporaryFile() as errors:
        encoder = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            for k, image in enumerate(renderer.frames()):
                encoder.stdin.write(image.tobytes())
                if k % every == 0:
                    report(k / renderer.n_frames, f"drawing frame {k + 1} of {renderer.n_frames}")
            encoder.stdin.close()
            report(1.0, "finishing the file")
            status = encoder.wait()
        except BrokenPipeError:
            status = encoder.wait()
        except BaseException:
            encoder.kill()
            encoder.wait()
            partial.unlink(missing_ok=True)
            raise
        if status != 0:
            errors.seek(0)
            detail = errors.read().decode(errors="replace").strip().splitlines()[-3:]
            partial.unlink(missing_ok=True)
            raise VideoError("ffmpeg could not encode the video: " + " / ".join(detail))
    os.replace(partial, out_path)
    return probe_video(out_path)


def probe_video(path: str | Path) -> VideoInfo:
    """Read duration, frame rate, size and codecs from ffmpeg's description of a file."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    # ffmpeg with only an input exits 1 by design; the description is on stderr.
    duration, video = _DURATION.search(result.stderr), _VIDEO.search(result.stderr)
    if duration is None or video is None:
        raise VideoError(f"{Path(path).name} is not a readable video.")
    hours, minutes, seconds = duration.groups()
    audio = _AUDIO.search(result.stderr)
    return VideoInfo(
        duration_s=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        fps=float(video.group(5)),
        width=int(video.group(3)),
        height=int(video.group(4)),
        video_codec=video.group(1),
        pixel_format=video.group(2),
        audio_codec=audio.group(1) if audio else None,
    )
