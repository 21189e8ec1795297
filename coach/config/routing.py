from django.urls import path, re_path

from coach.classes.consumers import ClassBoardConsumer, ClassLearnerConsumer
from coach.common.consumers import NoSuchSocketConsumer
from coach.practice.consumers import PracticeConsumer
from coach.routines.consumers import JobProgressConsumer
from coach.videos.consumers import VideoExportConsumer

websocket_urlpatterns = [
    path("ws/jobs/<uuid:job_id>/", JobProgressConsumer.as_asgi()),
    path("ws/practice/<uuid:attempt_id>/", PracticeConsumer.as_asgi()),
    path("ws/classes/<uuid:class_id>/learn/", ClassLearnerConsumer.as_asgi()),
    path("ws/classes/<uuid:class_id>/board/", ClassBoardConsumer.as_asgi()),
    path("ws/videos/<uuid:export_id>/", VideoExportConsumer.as_asgi()),
    # Last: any other path (`/ws/practice/abc/`) is closed with 4404, not a server error.
    re_path(r"", NoSuchSocketConsumer.as_asgi()),
]
