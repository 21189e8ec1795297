from django.contrib import admin

from coach.practice.models import Attempt


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("id", "routine", "learner", "status", "started_at")
    list_filter = ("status",)
