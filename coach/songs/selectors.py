"""Who may see which songs."""

from coach.songs.models import Song
from coach.studios.selectors import own_or_taught


def songs_for(user):
    return own_or_taught(Song.objects.all(), "owner", user)
