from django.contrib import admin

from coach.videos.models import VideoExport


@admin.register(VideoExport)
class VideoExportAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "routine",
        "requested_by",
        "status",
        "progress",
        "created_at",
        "finished_at",
    )
    list_filter = ("status",)
