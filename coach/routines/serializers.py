"""Routines and generation jobs in the JSON API."""

from rest_framework import serializers

from coach.routines.models import GenerationJob, Routine
from coach.songs.selectors import songs_for
from generation.styles import LEVEL_CHOICES, STYLE_CHOICES


class RoutineSerializer(serializers.ModelSerializer):
    song = serializers.PrimaryKeyRelatedField(read_only=True)
    duration_s = serializers.FloatField(read_only=True)

    class Meta:
        model = Routine
        fields = (
            "id",
            "song",
            "style",
            "level",
            "seed",
            "fps",
            "joints",
            "n_frames",
            "duration_s",
            "beats",
            "downbeats",
            "segments",
            "phrases",
            "tempo_bpm",
            "model_version",
            "created_at",
        )
        read_only_fields = fields


class VisibleSongField(serializers.PrimaryKeyRelatedField):
    """A song id, accepted only if the requesting person may see that song."""

    def get_queryset(self):
        return songs_for(self.context["request"].user)


class GenerationJobSerializer(serializers.ModelSerializer):
    song = VisibleSongField()
    style = serializers.ChoiceField(choices=STYLE_CHOICES)
    level = serializers.ChoiceField(choices=LEVEL_CHOICES)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    architecture = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="A model family with an installed checkpoint; empty for the default.",
    )
    personalise = serializers.BooleanField(
        default=False,
        help_text="Build on your attempts in the style: phrases you dance well, one new in four, "
        "leaning toward the part you miss most (the phrases model only).",
    )

    half_time = serializers.BooleanField(
        default=False,
        help_text="Each phrase danced over 16 beats, every move at half speed and on a beat "
        "(the phrases model only; meant for beginners).",
    )

    status_label = serializers.CharField(
        source="get_status_display",
        read_only=True,
        help_text="The status in words for people, e.g. Queued.",
    )

    class Meta:
        model = GenerationJob
        fields = (
            "id",
            "song",
            "style",
            "level",
            "seed",
            "architecture",
            "personalise",
            "focus_part",
            "half_time",
            "status",
            "status_label",
            "progress",
            "message",
            "error",
            "routine",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = (
            "id",
            "status",
            "progress",
            "message",
            "error",
            "routine",
            "created_at",
            "started_at",
            "finished_at",
        )
