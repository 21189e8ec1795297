"""People: the user model, signing up, the dashboard, API tokens and the login rate limits.

Its label stays `coach`, the label of the one app the site was before the feature apps: the
custom user model (`AUTH_USER_MODEL = "coach.User"`) cannot change app on an existing
database, and its migrations hold the whole site's history up to 0006. Migration 0007 hands
the other models to their feature apps (state only: the tables keep their `coach_` names)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coach.accounts"
    label = "coach"
    verbose_name = "Accounts"

    def ready(self):
        from coach.accounts import tokens  # noqa: F401 (it connects a signal receiver)
