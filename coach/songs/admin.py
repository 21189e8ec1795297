from django.contrib import admin

from coach.songs.models import Song


@admin.register(Song)
class SongAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "duration_s", "created_at")
    search_fields = ("title", "owner__username")
