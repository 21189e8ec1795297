"""The routine generation's Celery task, on the `gpu` queue (`CELERY_TASK_ROUTES`,
coach/config/settings.py)."""

import logging
from functools import partial

from celery import shared_task
from django.utils import timezone

from coach.common.background_tasks import fail, throttled
from coach.routines.learner_history import phrase_history
from coach.routines.models import GenerationJob
from coach.routines.services import mark_started, store_routine, update_job
from coach.songs.services import local_audio_path
from generation.audio import AudioError, decode

log = logging.getLogger(__name__)


# The name it had in `generation/tasks.py`, so queued messages and the `gpu` route still match.
@shared_task(name="generation.tasks.generate_routine_task")
def generate_routine_task(job_id: str) -> str:
    """Generate the job's routine; safe to run twice (a finished job is left as it is)."""
    from generation.choreograph import generate_routine

    job = GenerationJob.objects.select_related("song").get(pk=job_id)
    if job.finished:
        return job.status
    mark_started(job)
    update = partial(update_job, job)
    progress = throttled(
        lambda fraction, message: update(
            progress=min(max(fraction, 0.0), 1.0), message=message[:200]
        )
    )

    try:
        with local_audio_path(job.song) as path:
            audio = decode(path)
        preferences, history = _preferences(job)
        routine = generate_routine(
            audio,
            job.style,
            job.level,
            seed=job.seed,
            progress=progress,
            architecture=job.architecture or None,
            preferences=preferences,
            half_time=job.half_time,
        )
        if preferences is not None:
            # Which phrases the learner knows only means something with a history; the lean
            # part is worth saying either way.
            summary = routine["phrases"] if history else {}
            routine["phrases"] = {**summary, "lean_part": preferences.lean_part}
        record = store_routine(job.song, job.requested_by, routine)
    except (AudioError, ValueError) as error:
        fail(update, str(error))
        return job.status
    except FileNotFoundError:
        # No checkpoint for the chosen family here: say so without the server's file paths.
        log.warning("generation job %s: no checkpoint for %r", job_id, job.architecture)
        fail(update, f"The {job.architecture or 'default'} model is not installed on this server.")
        return job.status
    except Exception:
        log.exception("generation job %s failed", job_id)
        fail(update, "Something went wrong while generating the routine. Please try again.")
        return job.status
    update_job(
        job,
        status=GenerationJob.Status.SUCCEEDED,
        routine=record,
        progress=1.0,
        message="Done",
        finished_at=timezone.now(),
    )
    return job.status


def _preferences(job: GenerationJob):
    """``(Preferences or None, history)`` for a personalised job, from the requester's attempts
    as they are now (`coach.routines.learner_history`); None for a plain job, or one with no
    history and no focus part (a first routine is an ordinary one)."""
    if not (job.personalise or job.focus_part):
        return None, []
    from generation.phrases.personalise import preferences_from_history

    history = phrase_history(job.requested_by, job.style) if job.personalise else []
    if not history and not job.focus_part:
        return None, []
    return preferences_from_history(history, focus_part=job.focus_part or None), history
