from django.urls import path

from coach.consumers import JobProgressConsumer, PracticeConsumer

websocket_urlpatterns = [
    path("ws/jobs/<uuid:job_id>/", JobProgressConsumer.as_asgi()),
    path("ws/practice/<uuid:attempt_id>/", PracticeConsumer.as_asgi()),
]
