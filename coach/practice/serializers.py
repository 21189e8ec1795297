"""Attempts in the JSON API."""

from rest_framework import serializers

from coach.practice.models import Attempt
from coach.practice.services import POSE_FORMATS, beats_so_far
from coach.routines.selectors import routines_for


class VisibleRoutineField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return routines_for(self.context["request"].user)


class AttemptSerializer(serializers.ModelSerializer):
    learner = serializers.CharField(source="learner.username", read_only=True)
    routine = VisibleRoutineField()
    pose_format = serializers.ChoiceField(choices=POSE_FORMATS, default="mediapipe33")
    mirror = serializers.ChoiceField(choices=Attempt.Mirror.choices, default=Attempt.Mirror.AUTO)
    beat_results = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = (
            "id",
            "routine",
            "learner",
            "status",
            "pose_format",
            "mirror",
            "beat_results",
            "summary",
            "clock_offset_ms",
            "rtt_ms",
            "audio_latency_ms",
            "started_at",
            "finished_at",
        )
        read_only_fields = (
            "id",
            "learner",
            "status",
            "summary",
            "clock_offset_ms",
            "rtt_ms",
            "audio_latency_ms",
            "started_at",
            "finished_at",
        )

    def get_beat_results(self, attempt) -> list[dict]:
        return beats_so_far(attempt)
