"""Songs people upload."""

from django.apps import AppConfig


class SongsConfig(AppConfig):
    name = "coach.songs"
    label = "songs"
    verbose_name = "Songs"

    def ready(self):
        from coach.common.media_cleanup import delete_files_with
        from coach.songs.models import Song

        delete_files_with(Song, "audio")
