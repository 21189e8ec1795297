"""Songs in the JSON API: upload, list, read, delete."""

from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser

from coach.common.api import UUID_LOOKUP
from coach.songs.selectors import songs_for
from coach.songs.serializers import SongSerializer
from coach.songs.services import AudioError, create_song


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
        return songs_for(self.request.user)

    def perform_create(self, serializer):
        try:
            song = create_song(
                self.request.user,
                serializer.validated_data["audio"],
                serializer.validated_data.get("title", ""),
            )
        except AudioError as error:
            raise ValidationError({"audio": [str(error)]}) from error
        serializer.instance = song

    def perform_destroy(self, instance):
        if instance.owner_id != self.request.user.pk:
            raise ValidationError("Only the person who uploaded a song can delete it.")
        instance.delete()  # its file and folder go with it (coach/common/media_cleanup.py)
