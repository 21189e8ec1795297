"""Live classes: many learners practising one routine together, and the instructor's board."""

from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "coach.classes"
    label = "classes"
    verbose_name = "Live classes"
