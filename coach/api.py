"""The JSON API: songs, routines, generation jobs and attempts (session or token auth)."""

import numpy as np
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from coach import permissions
from coach.media_views import BVH_CONTENT_TYPE, bvh_response
from coach.serializers import (
    AttemptSerializer,
    GenerationJobSerializer,
    RoutineSerializer,
    SongSerializer,
)
from coach.services.practice import start_attempt
from coach.services.practice_storage import attempt_poses
from coach.services.routines import GenerationRequestError, request_generation, routine_document
from coach.services.songs import AudioError, create_song

# Object ids are UUIDs: anything else in the URL is no route (404), not a database error (500).
UUID_LOOKUP = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class SongViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SongSerializer
    lookup_value_regex = UUID_LOOKUP
    parser_classes = (MultiPartParser, FormParser)

    def get_queryset(self):
        return permissions.songs_for(self.request.user)

    def perform_create(self, serializer):
        try:
            song = create_song(self.request.user, serializer.validated_data["audio"],
                               serializer.validated_data.get("title", ""))
        except AudioError as error:
            raise ValidationError({"audio": [str(error)]}) from error
        serializer.instance = song

    def perform_destroy(self, instance):
        if instance.owner_id != self.request.user.pk:
            raise ValidationError("Only the person who uploaded a song can delete it.")
        instance.delete()  # its file and folder go with it (coach/media_cleanup.py)


class FileNegotiation(BaseContentNegotiation):
    """For actions that answer a file themselves: whatever the Accept header, errors come as
    JSON (the first renderer) rather than 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class RoutineViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoutineSerializer
    lookup_value_regex = UUID_LOOKUP

    def get_queryset(self):
        return permissions.routines_for(self.request.user)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The whole routine with its frames: {fps, joints, frames (T×J×3, metres), beats, ...}."""
        return Response(routine_document(self.get_object()))

    @extend_schema(responses={(200, BVH_CONTENT_TYPE.split(";")[0]): OpenApiTypes.STR})
    @action(detail=True, methods=["get"], content_negotiation_class=FileNegotiation)
    def bvh(self, request, pk=None):
        """The routine as a BVH file for animation software (a skeleton with rest offsets and
        rotations per frame, centimetres), as the routine page's Download BVH gives it."""
        return bvh_response(self.get_object())


class GenerationJobViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = GenerationJobSerializer
    lookup_value_regex = UUID_LOOKUP
    parser_classes = (JSONParser, FormParser, MultiPartParser)

    def get_queryset(self):
        return permissions.jobs_for(self.request.user)

    @extend_schema(responses={202: GenerationJobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            job = request_generation(
                data["song"], request.user, data["style"], data["level"],
                seed=data["seed"], architecture=data["architecture"],
                personalise=data["personalise"], focus_part=data.get("focus_part", ""),
            )
        except GenerationRequestError as error:
            raise ValidationError(str(error)) from error
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


class AttemptViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Attempts: created here, then fed over the practice socket `/ws/practice/<id>/`."""

    serializer_class = AttemptSerializer
    lookup_value_regex = UUID_LOOKUP
    parser_classes = (JSONParser, FormParser)

    def get_queryset(self):
        return permissions.attempts_for(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = start_attempt(
            self.request.user, data["routine"], pose_format=data["pose_format"], mirror=data["mirror"]
        )

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The attempt with every received pose frame, for the report's replay."""
        attempt = self.get_object()
        poses = attempt_poses(attempt)
        return Response({
            "attempt": self.get_serializer(attempt).data,
            "poses": {
                "format": poses["format"],
                "image_size": poses["image_size"],
                "timestamps_ms": np.round(poses["timestamps_ms"], 1).tolist(),
                "frames": np.round(poses["frames"], 4).tolist(),
            },
            "routine_document_url": reverse("api-routine-document", args=[attempt.routine_id]),
        })
