"""Generated routines and generation jobs: the request, the Celery task, the progress socket,
the routine's page and files, and the management commands that train and compare models."""

from django.apps import AppConfig


class RoutinesConfig(AppConfig):
    name = "coach.routines"
    label = "routines"
    verbose_name = "Routines"

    def ready(self):
        from coach.common.media_cleanup import delete_files_with
        from coach.routines.models import Routine

        delete_files_with(Routine, "frames")
