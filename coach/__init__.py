"""The coaching site: the project's configuration in `coach.config`, and one Django app per
feature beside it (`coach.accounts`, `studios`, `songs`, `routines`, `practice`, `lessons`,
`review`, `classes`, `videos`, with what they share in `coach.common`).
The Celery app is imported here so that `celery -A coach` finds it."""

from coach.config.celery import app as celery_app

__all__ = ("celery_app",)
