"""The lifecycle shared by the site's background tasks (a `GenerationJob`, a `VideoExport`).

A task record is queued once the transaction that made it commits, queued again at start-up
when a restart left it unfinished (`requeue`), reports progress about every 5 % (`throttled`),
saves each change of state and pushes it to whoever watches its socket group
(`save_and_broadcast`, a `task.update` event for `coach.common.consumers.TaskProgressConsumer`), and
records a failure with a message for the person who asked (`fail`).
"""

from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import models, transaction
from django.utils import timezone


class TaskStatus(models.TextChoices):
    """Where a background task (a generation job, a video export) stands."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


# A database write and a socket message per 5 % is plenty for a progress bar.
PROGRESS_STEP = 0.05
IN_FLIGHT = (TaskStatus.QUEUED, TaskStatus.RUNNING)


def queue_on_commit(task, record: models.Model) -> None:
    """Send `record`'s id to the Celery `task` once the current transaction commits."""
    transaction.on_commit(lambda: task.delay(str(record.pk)))


def requeue(model: type[models.Model], task, **reset) -> int:
    """Send every queued or interrupted record of `model` to `task` again, its fields set to
    `reset` first; returns how many."""
    unfinished = model.objects.filter(status__in=IN_FLIGHT)
    record_ids = [str(pk) for pk in unfinished.values_list("pk", flat=True)]
    unfinished.update(**reset)
    for record_id in record_ids:
        task.delay(record_id)
    return len(record_ids)


def save_and_broadcast(
    record: models.Model, group: str, state: Callable[[models.Model], dict], **fields
) -> None:
    """Save the given fields of `record` and send its `state` to the socket `group`."""
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=list(fields))
    async_to_sync(get_channel_layer().group_send)(
        group, {"type": "task.update", "state": state(record)}
    )


def throttled(
    report: Callable[[float, str], None], *, step: float = PROGRESS_STEP, report_end: bool = True
) -> Callable[[float, str], None]:
    """A progress callback ``(fraction 0..1, message)`` that calls `report` only when the
    fraction has moved `step` since it last did (and on reaching 1.0 when `report_end`)."""
    last_sent = 0.0

    def progress(fraction: float, message: str) -> None:
        nonlocal last_sent
        if fraction - last_sent >= step or (report_end and fraction >= 1.0):
            last_sent = fraction
            report(fraction, message)

    return progress


def fail(update: Callable[..., None], error: str) -> None:
    """Record a task's failure through its `update` function, with `error` for the person who
    asked."""
    update(status=TaskStatus.FAILED, error=error, finished_at=timezone.now())
