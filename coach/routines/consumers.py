"""`/ws/jobs/<id>/`: a generation job's progress."""

from coach.common.consumers import TaskProgressConsumer
from coach.routines.selectors import jobs_for
from coach.routines.services import job_group, job_state


class JobProgressConsumer(TaskProgressConsumer):
    """A generation job's progress."""

    url_kwarg = "job_id"
    group_for = staticmethod(job_group)
    visible_to = staticmethod(jobs_for)
    state_of = staticmethod(job_state)
