"""Who may see which video exports: whoever may see the routine."""

from coach.routines.selectors import routines_for
from coach.videos.models import VideoExport


def exports_for(user):
    """Video exports of the routines `user` may see."""
    return VideoExport.objects.filter(routine__in=routines_for(user)).select_related(
        "routine__song"
    )
