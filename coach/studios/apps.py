"""Studios, their members and roles, invitations; who may see what (`selectors`)."""

from django.apps import AppConfig


class StudiosConfig(AppConfig):
    name = "coach.studios"
    label = "studios"
    verbose_name = "Studios"
