from django.contrib import admin

from coach.studios.models import Invitation, Membership, Studio


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("id", "studio", "role", "created_by", "expires_at", "uses")
