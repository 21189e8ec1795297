"""The song's shape in the JSON API."""

from django.urls import reverse
from rest_framework import serializers

from coach.songs.models import Song


class SongSerializer(serializers.ModelSerializer):
    audio = serializers.FileField(write_only=True)
    audio_url = serializers.SerializerMethodField(
        help_text="The audio, for its owner and their teachers."
    )
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Song
        fields = ("id", "title", "owner", "duration_s", "created_at", "audio", "audio_url")
        read_only_fields = ("id", "duration_s", "created_at")
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}

    def get_audio_url(self, song) -> str:
        return self.context["request"].build_absolute_uri(reverse("song_audio", args=[song.id]))
