"""Lessons in the JSON API (read-only): a student sees the lessons assigned to them with only
their own assignment; a teacher sees their studios' lessons with every assignment and results."""

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from coach.common.api import UUID_LOOKUP
from coach.lessons.models import Lesson, LessonAssignment
from coach.lessons.selectors import lessons_for, lessons_taught_by
from coach.lessons.services import assignment_state
from coach.review.services import lesson_results


class AssignmentSerializer(serializers.ModelSerializer):
    student = serializers.CharField(source="student.username", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = LessonAssignment
        fields = ("id", "student", "status", "state", "completed_at", "completed_by_attempt")
        read_only_fields = fields

    def get_state(self, assignment) -> str:
        return assignment_state(assignment)


class LessonSerializer(serializers.ModelSerializer):
    studio = serializers.CharField(source="studio.name", read_only=True)
    instructor = serializers.CharField(source="instructor.username", read_only=True)
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = (
            "id",
            "title",
            "studio",
            "instructor",
            "routine",
            "notes",
            "due_at",
            "target_score",
            "created_at",
            "assignments",
        )
        read_only_fields = fields

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, lesson) -> list:
        user = self.context["request"].user
        assignments = lesson.assignments.select_related("student", "lesson")
        if not lessons_taught_by(user).filter(pk=lesson.pk).exists():
            assignments = assignments.filter(student=user)
        return AssignmentSerializer(assignments, many=True).data


class LessonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LessonSerializer
    lookup_value_regex = UUID_LOOKUP

    def get_queryset(self):
        return lessons_for(self.request.user).order_by("due_at")

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Per student: state, attempts made for the lesson, best and latest overall (teachers only)."""
        lesson = get_object_or_404(lessons_taught_by(request.user), pk=pk)
        return Response(
            {
                "lesson": str(lesson.id),
                "target_score": lesson.target_score,
                "results": [asdict(row) for row in lesson_results(lesson)],
            }
        )
