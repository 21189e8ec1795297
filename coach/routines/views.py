"""Routine pages: a generation job's progress, a routine's page, and its files (audio, frames,
BVH) for everyone who may see the routine (`coach.routines.selectors`); an outsider gets 404.
Nothing serves `MEDIA_URL` directly."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from coach.common.file_responses import CACHE_CONTROL, stored_file_response
from coach.routines.models import GenerationJob
from coach.routines.selectors import jobs_for, routines_for
from coach.routines.services import personal_phrases
from coach.routines.services import routine_bvh as make_routine_bvh

BVH_CONTENT_TYPE = "text/plain; charset=utf-8"


@login_required
def job(request, job_id):
    job = get_object_or_404(jobs_for(request.user), pk=job_id)
    return render(request, "jobs/detail.html", {"job": job})


@login_required
def routine(request, routine_id):
    routine = get_object_or_404(routines_for(request.user), pk=routine_id)
    context = {
        "routine": routine,
        "personal": personal_phrases(routine),
        "half_time": GenerationJob.objects.filter(routine=routine, half_time=True).exists(),
    }
    return render(request, "routines/detail.html", context)


@require_safe
@login_required
def routine_audio(request, routine_id):
    """The routine's song, for everyone who may see the routine: a student assigned a lesson or
    seated in a class hears it without seeing the instructor's song."""
    routine = get_object_or_404(routines_for(request.user), pk=routine_id)
    return stored_file_response(request, routine.song.audio)


@require_safe
@login_required
def routine_frames(request, routine_id):
    """The routine's joint positions as the stored `.npy` (T, J, 3) float32, metres."""
    routine = get_object_or_404(routines_for(request.user), pk=routine_id)
    return stored_file_response(
        request, routine.frames, filename=f"routine-{routine.id}.npy", as_attachment=True
    )


@require_safe
@login_required
def routine_bvh(request, routine_id):
    """The routine as a BVH file for animation software (made on request; a few MB for a
    3-minute routine), for everyone who may see the routine."""
    routine = get_object_or_404(routines_for(request.user), pk=routine_id)
    return bvh_response(routine)


def bvh_response(routine) -> HttpResponse:
    """The routine's BVH as a download: the page's link and the API answer with this."""
    filename, text = make_routine_bvh(routine)
    response = HttpResponse(text.encode(), content_type=BVH_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = CACHE_CONTROL
    return response
