"""Lessons an instructor assigns to students, and their assignments."""

from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "coach.lessons"
    label = "lessons"
    verbose_name = "Lessons"
