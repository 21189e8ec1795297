"""`/ws/videos/<id>/`: a video export's progress (close code 4403 for whoever may not see it)."""

from coach.common.consumers import TaskProgressConsumer
from coach.videos.selectors import exports_for
from coach.videos.services import export_group, export_state


class VideoExportConsumer(TaskProgressConsumer):
    """A video export's progress."""

    url_kwarg = "export_id"
    group_for = staticmethod(export_group)
    visible_to = staticmethod(exports_for)
    state_of = staticmethod(export_state)
