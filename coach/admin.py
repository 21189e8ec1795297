from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from coach.models import (
    Attempt,
    GenerationJob,
    Invitation,
    Membership,
    Routine,
    Song,
    Studio,
    User,
    VideoExport,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


admin.site.register(User, UserAdmin)


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("id", "studio", "role", "created_by", "expires_at", "uses")


@admin.register(Song)
class SongAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "duration_s", "created_at")
    search_fields = ("title", "owner__username")


@admin.register(Routine)
class RoutineAdmin(admin.ModelAdmin):
    list_display = ("id", "song", "style", "level", "seed", "n_frames", "model_version", "created_at")
    list_filter = ("style", "level")


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "song", "style", "level", "status", "progress", "created_at")
    list_filter = ("status",)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("id", "routine", "learner", "status", "started_at")
    list_filter = ("status",)


@admin.register(VideoExport)
class VideoExportAdmin(admin.ModelAdmin):
    list_display = ("id", "routine", "requested_by", "status", "progress", "created_at", "finished_at")
    list_filter = ("status",)
