from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "coach"
    verbose_name = "Dance coach"

    def ready(self):
        from coach import media_cleanup, tokens  # noqa: F401 (they connect signal receivers)
