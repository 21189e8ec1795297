"""Pages of live classes: open, join (link or code), the learner's page, the board, the summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coach.classes import services as classes
from coach.classes.forms import ClassForm, JoinForm
from coach.classes.models import ClassSession
from coach.classes.selectors import classes_for
from coach.routines.services import routine_document
from coach.studios.selectors import taught_studios


def _controlled(request, class_id) -> ClassSession:
    class_session = get_object_or_404(classes_for(request.user), pk=class_id)
    if not classes.can_control(request.user, class_session):
        raise Http404
    return class_session


@login_required
def class_list(request, join_form=None):
    mine = classes_for(request.user)
    context = {
        "teaching": [
            c
            for c in mine.exclude(status=ClassSession.Status.ENDED)
            if classes.can_control(request.user, c)
        ],
        "seats": request.user.class_seats.select_related(
            "class_session__routine__song", "attempt"
        ).order_by("-joined_at")[:10],
        "join_form": join_form or JoinForm(),
        "can_open": taught_studios(request.user).exists(),
    }
    return render(request, "classes/list.html", context, status=400 if join_form else 200)


@login_required
def class_new(request):
    initial = {"routine": request.GET.get("routine")}
    form = ClassForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        class_session = classes.open_class(
            request.user, data["studio"], data["routine"], title=data["title"]
        )
        return redirect("class_board", class_id=class_session.id)
    return render(request, "classes/new.html", {"form": form})


@login_required
@require_POST
def class_join_code(request):
    form = JoinForm(request.POST)
    if form.is_valid():
        class_session = (
            classes_for(request.user).filter(join_code=form.cleaned_data["code"]).first()
        )
        if class_session is None:
            form.add_error("code", "No class of your studios has this code.")
        else:
            return _join(request, class_session, form)
    return class_list(request, join_form=form)


@login_required
@require_POST
def class_join(request, class_id):
    return _join(request, get_object_or_404(classes_for(request.user), pk=class_id))


def _join(request, class_session, form=None):
    try:
        classes.join_class(request.user, class_session)
    except classes.ClassError as error:
        if form is not None:
            form.add_error("code", str(error))
            return class_list(request, join_form=form)
        messages.error(request, str(error))
    return redirect("class_learn", class_id=class_session.id)


@login_required
def class_learn(request, class_id):
    """The join link: the learner's class page (or the join button, or the board for its instructor)."""
    class_session = get_object_or_404(classes_for(request.user), pk=class_id)
    if classes.can_control(request.user, class_session):
        return redirect("class_board", class_id=class_id)
    seat = class_session.participants.filter(learner=request.user, attempt__isnull=False).first()
    if seat is None:
        if not classes.is_student(request.user, class_session):
            raise Http404
        return render(request, "classes/join.html", {"class": class_session})
    context = {
        "class": class_session,
        "seat": seat,
        "routine": class_session.routine,
        "document_url": reverse("class_routine", args=[class_id]),
        "report_url": reverse("attempt_report", args=[seat.attempt_id]),
    }
    return render(request, "classes/learn.html", context)


@login_required
def class_routine(request, class_id):
    """The class's routine document for its learners, who may not see the instructor's routines."""
    class_session = get_object_or_404(classes_for(request.user), pk=class_id)
    joined = class_session.participants.filter(learner=request.user).exists()
    if not joined and not classes.can_control(request.user, class_session):
        raise Http404
    return JsonResponse(routine_document(class_session.routine))


@login_required
def class_board(request, class_id):
    class_session = _controlled(request, class_id)
    join_url = request.build_absolute_uri(reverse("class_learn", args=[class_id]))
    return render(request, "classes/board.html", {"class": class_session, "join_url": join_url})


@login_required
@require_POST
def class_start(request, class_id):
    class_session = _controlled(request, class_id)
    try:
        state = classes.start_class(class_session)
    except classes.ClassError as error:
        return JsonResponse({"error": str(error)}, status=409)
    return JsonResponse(state)


@login_required
@require_POST
def class_end(request, class_id):
    class_session = _controlled(request, class_id)
    try:
        classes.end_class(class_session)
    except classes.ClassError as error:
        messages.info(request, str(error))
    return redirect("class_summary", class_id=class_id)


@login_required
def class_summary(request, class_id):
    class_session = _controlled(request, class_id)
    return render(
        request,
        "classes/summary.html",
        {"class": class_session, "rows": classes.ranking(class_session)},
    )
