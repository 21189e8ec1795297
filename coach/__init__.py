"""The coaching site: the project's configuration in `coach.config`, the coaching app around it.
The Celery app is imported here so that `celery -A coach` finds it."""

from coach.config.celery import app as celery_app

__all__ = ("celery_app",)
