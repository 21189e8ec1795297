"""The form that assigns a lesson (a routine, or one generated for it, and its students)."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from coach.accounts.models import User
from coach.lessons.services import MAX_TARGET, MIN_TARGET, studio_students
from coach.routines.models import BODY_PART_CHOICES, GenerationJob
from generation.styles import LEVEL_CHOICES, STYLE_CHOICES

BLANK = [("", "—")]


class RoutineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, routine):
        return f"{routine.get_style_display()} · {routine.level} · “{routine.song.title}” (seed {routine.seed})"


class StudentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.username


class LessonForm(forms.Form):
    """A lesson on an existing routine, or on one generated for it (song, style, level).

    When generating, the view queues the job and shows this form again with `job` filled in;
    once the job has succeeded the same form creates the lesson on the job's routine.
    """

    title = forms.CharField(max_length=200)
    routine = RoutineChoiceField(
        queryset=None,
        required=False,
        empty_label="— generate a new one below —",
        help_text="One of your routines, or leave empty and generate one for this lesson.",
    )
    song = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="—", help_text="To generate a routine."
    )
    style = forms.ChoiceField(choices=BLANK + list(STYLE_CHOICES), required=False)
    level = forms.ChoiceField(choices=BLANK + list(LEVEL_CHOICES), required=False)
    job = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    students = StudentsField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone is ticked to start with.",
    )
    due_at = forms.DateTimeField(
        label="Due by",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    target_score = forms.FloatField(
        min_value=MIN_TARGET,
        max_value=MAX_TARGET,
        initial=70,
        help_text="The overall score (0–100) one attempt must reach.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    focus_part = forms.ChoiceField(
        label="Focus",
        choices=BLANK + BODY_PART_CHOICES,
        required=False,
        help_text="A body part to work on: a routine generated for the lesson leans toward it.",
    )

    def __init__(self, studio, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        students = studio_students(studio)
        self.fields["students"].queryset = User.objects.filter(
            pk__in=students.values("user_id")
        ).order_by("username")
        self.fields["routine"].queryset = user.routines.select_related("song")
        self.fields["song"].queryset = user.songs.all()
        self.fields["job"].queryset = GenerationJob.objects.filter(requested_by=user)
        self.fields[
            "due_at"
        ].help_text = f"Date and time ({timezone.get_current_timezone_name()} time)."
        if not self.is_bound:
            self.initial.setdefault("students", list(students.values_list("user_id", flat=True)))
            self.initial.setdefault(
                "due_at",
                (timezone.localtime() + timedelta(days=7)).replace(
                    hour=18, minute=0, second=0, microsecond=0
                ),
            )

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at <= timezone.now():
            raise forms.ValidationError("The due date must be in the future.")
        return due_at

    def clean(self):
        data = super().clean()
        if data.get("job") or data.get("routine"):
            return data
        missing = [name for name in ("song", "style", "level") if not data.get(name)]
        if missing:
            raise forms.ValidationError(
                "Choose one of your routines, or a song, a style and a level to generate one."
            )
        return data
