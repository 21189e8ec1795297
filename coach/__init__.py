"""The Django project (settings, urls, ASGI, Celery app) and the coaching app."""

from coach.celery import app as celery_app

__all__ = ("celery_app",)
