"""Who may see which routines and generation jobs."""

from django.db.models import Q

from coach.routines.models import GenerationJob, Routine
from coach.studios.selectors import own_or_taught


def routines_for(user):
    own = own_or_taught(Routine.objects.all(), "owner", user)
    if not user.is_authenticated:
        return own
    # A student practises the routines of their lessons and live classes, whoever made them.
    assigned = Routine.objects.filter(lessons__assignments__student=user)
    in_class = Routine.objects.filter(classes__participants__learner=user)
    return Routine.objects.select_related("song").filter(
        Q(pk__in=own) | Q(pk__in=assigned) | Q(pk__in=in_class)
    )


def jobs_for(user):
    return own_or_taught(GenerationJob.objects.select_related("song"), "requested_by", user)
