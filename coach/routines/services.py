"""Generation jobs and the routines they produce."""

import io

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coach.common.background_tasks import queue_on_commit, requeue, save_and_broadcast
from coach.routines.models import GenerationJob, Routine
from generation.bvh_export import routine_bvh as bvh_text
from generation.counts import beat_counts
from generation.families import DEFAULT_ARCHITECTURE, available_architectures
from generation.styles import LEVELS, STYLES
from generation.video import camera_path
from scoring.skeleton import BODY_PARTS, BONES

# The family whose routines are made of memory phrases, so a learner's history can shape them.
PHRASE_FAMILY = "phrases"


class GenerationRequestError(ValueError):
    pass


def request_generation(
    song,
    user,
    *,
    style: str,
    level: str,
    seed: int = 0,
    architecture: str = "",
    personalise: bool = False,
    focus_part: str = "",
    half_time: bool = False,
) -> GenerationJob:
    """Queue a routine for `song`; the job is sent to the `gpu` queue once it is committed.
    `architecture` picks a model family with an installed checkpoint; empty means the default.

    ``personalise`` builds on `user`'s attempts in `style` (`coach.routines.learner_history`,
    read when the job runs, so the latest attempts count): phrases they dance well come back,
    one new in four, leaning toward the part they miss most, or toward ``focus_part`` (a
    `scoring.skeleton.BODY_PARTS` name, e.g. a lesson's focus) when given. Both need the
    phrase family. ``half_time`` (phrase family, meant for beginners) dances each phrase over 16
    beats instead of 8, every move at half speed and still on a beat."""
    from coach.routines.tasks import generate_routine_task

    if style not in STYLES:
        raise GenerationRequestError(
            f"Unknown style '{style}'. Choose one of: {', '.join(STYLES)}."
        )
    if level not in LEVELS:
        raise GenerationRequestError(
            f"Unknown level '{level}'. Choose one of: {', '.join(LEVELS)}."
        )
    if architecture and architecture not in available_architectures():
        raise GenerationRequestError(
            f"No '{architecture}' model is installed. Choose one of: {', '.join(available_architectures())}."
        )
    if focus_part and focus_part not in BODY_PARTS:
        raise GenerationRequestError(
            f"Unknown body part '{focus_part}'. Choose one of: {', '.join(BODY_PARTS)}."
        )
    if (personalise or focus_part) and (architecture or DEFAULT_ARCHITECTURE) != PHRASE_FAMILY:
        raise GenerationRequestError(
            f"Only the {PHRASE_FAMILY} model builds a routine on your attempts or a focus part."
        )
    if half_time and (architecture or DEFAULT_ARCHITECTURE) != PHRASE_FAMILY:
        raise GenerationRequestError(
            f"Only the {PHRASE_FAMILY} model dances a routine in half time."
        )
    with transaction.atomic():
        job = GenerationJob.objects.create(
            song=song,
            requested_by=user,
            style=style,
            level=level,
            seed=seed,
            architecture=architecture,
            personalise=personalise,
            focus_part=focus_part,
            half_time=half_time,
        )
        queue_on_commit(generate_routine_task, job)
    return job


def requeue_unfinished_jobs() -> int:
    """Send every queued or interrupted job to the queue again; returns how many."""
    from coach.routines.tasks import generate_routine_task

    return requeue(
        GenerationJob,
        generate_routine_task,
        status=GenerationJob.Status.QUEUED,
        message="Waiting for the generator",
    )


def job_group(job_id) -> str:
    return f"job.{job_id}"


def job_state(job: GenerationJob) -> dict:
    return {
        "id": str(job.id),
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": round(job.progress, 3),
        "message": job.message,
        "error": job.error,
        "routine": str(job.routine_id) if job.routine_id else None,
    }


def update_job(job: GenerationJob, **fields) -> None:
    """Save the given fields and tell anyone watching the job's progress socket."""
    save_and_broadcast(job, job_group(job.id), job_state, **fields)


def store_routine(song, owner, routine: dict) -> Routine:
    """Save a generated routine dict (`frames` an ndarray (T, J, 3) in metres) as a Routine;
    a personalised one keeps its ``phrases`` summary (known / new / text)."""
    frames = np.asarray(routine["frames"], dtype=np.float32)
    buffer = io.BytesIO()
    np.save(buffer, frames)
    with transaction.atomic():
        record = Routine(
            song=song,
            owner=owner,
            style=routine["style"],
            level=routine["level"],
            seed=routine["seed"],
            fps=routine["fps"],
            joints=list(routine["joints"]),
            n_frames=frames.shape[0],
            beats=[float(t) for t in routine["beats"]],
            downbeats=[float(t) for t in routine.get("downbeats", [])],
            segments=list(routine.get("segments", [])),
            phrases=dict(routine.get("phrases", {})),
            tempo_bpm=routine.get("tempo_bpm"),
            model_version=str(routine.get("model", ""))[:80],
        )
        record.frames.save("frames.npy", ContentFile(buffer.getvalue()), save=False)
        record.save()
    return record


def personal_phrases(routine: Routine) -> dict | None:
    """What the routine page says of a personalised routine, None for any other:
    ``{"text": "3 phrases you know, 1 new" (or None without a history), "known": [phrase],
    "new": [phrase], "lean_part": "left arm" or None}``, each phrase ``{"id", "label",
    "times": [(start_s, end_s), ...]}`` in the order it is first danced."""
    if not routine.phrases:
        return None
    places: dict[str, dict] = {}
    for segment in routine.segments:
        phrase = segment.get("phrase_id")
        if phrase:
            entry = places.setdefault(
                phrase, {"id": phrase, "label": segment.get("label", ""), "times": []}
            )
            entry["times"].append((segment["start_s"], segment["end_s"]))
    lean = routine.phrases.get("lean_part")
    return {
        "text": routine.phrases.get("text"),
        "known": [places[p] for p in routine.phrases.get("known", []) if p in places],
        "new": [places[p] for p in routine.phrases.get("new", []) if p in places],
        "lean_part": lean.replace("_", " ") if lean else None,
    }


def routine_frames(routine: Routine) -> np.ndarray:
    """The routine's joint positions, (T, J, 3) float32 metres."""
    with routine.frames.open("rb") as handle:
        return np.load(io.BytesIO(handle.read()), allow_pickle=False)


def download_stem(routine: Routine) -> str:
    """A name a person recognises in their downloads: song, style and level."""
    stem = "-".join(
        part for part in (slugify(routine.song.title), routine.style, routine.level) if part
    )
    return stem or "routine"


def routine_bvh(routine: Routine) -> tuple[str, str]:
    """``(filename, BVH text)`` of the routine for animation software (`generation.bvh_export`:
    a skeleton with rest offsets and per-frame rotations, centimetres)."""
    text = bvh_text(routine_frames(routine), routine.fps, routine.joints)
    return f"{download_stem(routine)}.bvh", text


def routine_document(routine: Routine) -> dict:
    """The routine in the documented JSON shape {fps, joints, frames, beats, segments, ...}, with
    the count said on each beat (`generation.counts`) and the front camera's path per frame
    (`generation.video.camera_path`: centre [x, z] metres, yaw radians) for the pages' dancer."""
    frames = routine_frames(routine)
    centre, yaw = camera_path(frames, routine.joints, routine.fps)
    return {
        "id": str(routine.id),
        "fps": routine.fps,
        "joints": routine.joints,
        "bones": [[routine.joints.index(a), routine.joints.index(b)] for a, b in BONES],
        "frames": np.round(frames, 4).tolist(),
        "beats": routine.beats,
        "counts": beat_counts(routine.beats, routine.downbeats, routine.segments).tolist(),
        "camera": {
            "centre": np.round(centre[:, [0, 2]], 4).tolist(),
            "yaw": np.round(yaw, 4).tolist(),
        },
        "downbeats": routine.downbeats,
        "segments": routine.segments,
        "style": routine.style,
        "level": routine.level,
        "seed": routine.seed,
        "model": routine.model_version,
        "tempo_bpm": routine.tempo_bpm,
        "audio_url": reverse("routine_audio", args=[routine.id]),
        "bvh_url": reverse("routine_bvh", args=[routine.id]),
    }


def mark_started(job: GenerationJob) -> None:
    update_job(
        job,
        status=GenerationJob.Status.RUNNING,
        started_at=timezone.now(),
        progress=0.0,
        message="Analysing the music",
    )
