"""Practice attempts: the practice socket, scoring each batch, storing poses, the report."""

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "coach.practice"
    label = "practice"
    verbose_name = "Practice"
