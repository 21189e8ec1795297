from django.urls import path

from coach.class_consumers import ClassBoardConsumer, ClassLearnerConsumer
from coach.consumers import JobProgressConsumer, PracticeConsumer
from coach.video_views import VideoExportConsumer

websocket_urlpatterns = [
    path("ws/jobs/<uuid:job_id>/", JobProgressConsumer.as_asgi()),
    path("ws/practice/<uuid:attempt_id>/", PracticeConsumer.as_asgi()),
    path("ws/classes/<uuid:class_id>/learn/", ClassLearnerConsumer.as_asgi()),
    path("ws/classes/<uuid:class_id>/board/", ClassBoardConsumer.as_asgi()),
    path("ws/videos/<uuid:export_id>/", VideoExportConsumer.as_asgi()),
]
