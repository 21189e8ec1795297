"""Attempts in the JSON API: start one (then feed it over the practice socket), list, read, replay."""

import numpy as np
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from coach.common.api import UUID_LOOKUP
from coach.practice.selectors import attempts_for
from coach.practice.serializers import AttemptSerializer
from coach.practice.services import start_attempt
from coach.practice.storage import attempt_poses


class AttemptViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Attempts: created here, then fed over the practice socket `/ws/practice/<id>/`."""

    serializer_class = AttemptSerializer
    lookup_value_regex = UUID_LOOKUP
    parser_classes = (JSONParser, FormParser)

    def get_queryset(self):
        return attempts_for(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = start_attempt(
            self.request.user,
            data["routine"],
            pose_format=data["pose_format"],
            mirror=data["mirror"],
        )

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The attempt with every received pose frame, for the report's replay."""
        attempt = self.get_object()
        poses = attempt_poses(attempt)
        return Response(
            {
                "attempt": self.get_serializer(attempt).data,
                "poses": {
                    "format": poses["format"],
                    "image_size": poses["image_size"],
                    "timestamps_ms": np.round(poses["timestamps_ms"], 1).tolist(),
                    "frames": np.round(poses["frames"], 4).tolist(),
                },
                "routine_document_url": reverse("api-routine-document", args=[attempt.routine_id]),
            }
        )
