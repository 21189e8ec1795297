"""Routines and generation jobs in the JSON API (session or token auth)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from coach.common.api import UUID_LOOKUP, FileNegotiation
from coach.routines.selectors import jobs_for, routines_for
from coach.routines.serializers import GenerationJobSerializer, RoutineSerializer
from coach.routines.services import GenerationRequestError, request_generation, routine_document
from coach.routines.views import BVH_CONTENT_TYPE, bvh_response


class RoutineViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoutineSerializer
    lookup_value_regex = UUID_LOOKUP

    def get_queryset(self):
        return routines_for(self.request.user)

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
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = GenerationJobSerializer
    lookup_value_regex = UUID_LOOKUP
    parser_classes = (JSONParser, FormParser, MultiPartParser)

    def get_queryset(self):
        return jobs_for(self.request.user)

    @extend_schema(responses={202: GenerationJobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            job = request_generation(
                data["song"],
                request.user,
                style=data["style"],
                level=data["level"],
                seed=data["seed"],
                architecture=data["architecture"],
                personalise=data["personalise"],
                focus_part=data.get("focus_part", ""),
                half_time=data["half_time"],
            )
        except GenerationRequestError as error:
            raise ValidationError(str(error)) from error
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)
