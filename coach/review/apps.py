"""Teachers' review of their students' attempts: results, weak spots, comments."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "coach.review"
    label = "review"
    verbose_name = "Review"
