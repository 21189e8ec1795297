from django.contrib import admin

from coach.routines.models import GenerationJob, Routine


@admin.register(Routine)
class RoutineAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "song",
        "style",
        "level",
        "seed",
        "n_frames",
        "model_version",
        "created_at",
    )
    list_filter = ("style", "level")


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "song", "style", "level", "status", "progress", "created_at")
    list_filter = ("status",)
