from django.urls import reverse
from rest_framework import serializers

from coach import permissions
from coach.models import Attempt, GenerationJob, Routine, Song
from coach.services.practice import POSE_FORMATS, beats_so_far
from generation.styles import LEVEL_CHOICES, STYLE_CHOICES


class SongSerializer(serializers.ModelSerializer):
    audio = serializers.FileField(write_only=True)
    audio_url = serializers.SerializerMethodField(help_text="The audio, for its owner and their teachers.")
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Song
        fields = ("id", "title", "owner", "duration_s", "created_at", "audio", "audio_url")
        read_only_fields = ("id", "duration_s", "created_at")
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}

    def get_audio_url(self, song) -> str:
        return self.context["request"].build_absolute_uri(reverse("song_audio", args=[song.id]))


class RoutineSerializer(serializers.ModelSerializer):
    song = serializers.PrimaryKeyRelatedField(read_only=True)
    duration_s = serializers.FloatField(read_only=True)

    class Meta:
        model = Routine
        fields = (
            "id", "song", "style", "level", "seed", "fps", "joints", "n_frames", "duration_s",
            "beats", "downbeats", "segments", "phrases", "tempo_bpm", "model_version", "created_at",
        )
        read_only_fields = fields


class VisibleSongField(serializers.PrimaryKeyRelatedField):
    """A song id, accepted only if the requesting person may see that song."""

    def get_queryset(self):
        return permissions.songs_for(self.context["request"].user)


class GenerationJobSerializer(serializers.ModelSerializer):
    song = VisibleSongField()
    style = serializers.ChoiceField(choices=STYLE_CHOICES)
    level = serializers.ChoiceField(choices=LEVEL_CHOICES)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    architecture = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="",
        help_text="A model family with an installed checkpoint; empty for the default.",
    )
    personalise = serializers.BooleanField(
        default=False,
        help_text="Build on your attempts in the style: phrases you dance well, one new in four, "
        "leaning toward the part you miss most (the phrases model only).",
    )

    status_label = serializers.CharField(source="get_status_display", read_only=True,
                                         help_text="The status in words for people, e.g. Queued.")

    class Meta:
        model = GenerationJob
        fields = (
            "id", "song", "style", "level", "seed", "architecture", "personalise", "focus_part", "status",
            "status_label", "progress",
            "message", "error",
            "routine", "created_at", "started_at", "finished_at",
        )
        read_only_fields = (
            "id", "status", "progress", "message", "error", "routine", "created_at", "started_at",
            "finished_at",
        )


class VisibleRoutineField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return permissions.routines_for(self.context["request"].user)


class AttemptSerializer(serializers.ModelSerializer):
    learner = serializers.CharField(source="learner.username", read_only=True)
    routine = VisibleRoutineField()
    pose_format = serializers.ChoiceField(choices=POSE_FORMATS, default="mediapipe33")
    mirror = serializers.ChoiceField(choices=Attempt.Mirror.choices, default=Attempt.Mirror.AUTO)
    beat_results = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = (
            "id", "routine", "learner", "status", "pose_format", "mirror", "beat_results", "summary",
            "clock_offset_ms", "rtt_ms", "audio_latency_ms", "started_at", "finished_at",
        )
        read_only_fields = (
            "id", "learner", "status", "summary", "clock_offset_ms", "rtt_ms",
            "audio_latency_ms", "started_at", "finished_at",
        )

    def get_beat_results(self, attempt) -> list[dict]:
        return beats_so_far(attempt)
