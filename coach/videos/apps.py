"""Video exports of routines, rendered in the background."""

from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "coach.videos"
    label = "videos"
    verbose_name = "Video exports"

    def ready(self):
        from coach.common.media_cleanup import delete_files_with
        from coach.videos.models import VideoExport

        delete_files_with(VideoExport, "video")
