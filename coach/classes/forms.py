"""Forms of live classes: opening one, and joining one with its code."""

from django import forms
from django.utils import formats, timezone

from coach.routines.selectors import routines_for
from coach.studios.selectors import taught_studios


class RoutineChoiceField(forms.ModelChoiceField):
    """Routines named so that two of the same style and song tell apart: whose, when, which seed."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def label_from_instance(self, routine):
        owner = "mine" if routine.owner_id == self.user.pk else f"by {routine.owner.username}"
        made = formats.date_format(timezone.localtime(routine.created_at), "j M Y, H:i")
        return f"{routine} · {owner} · {made} · seed {routine.seed}"


class ClassForm(forms.Form):
    title = forms.CharField(max_length=200)
    studio = forms.ModelChoiceField(queryset=None, help_text="Its students can join the class.")
    routine = forms.ModelChoiceField(
        queryset=None, help_text="Everyone dances this routine together."
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        studios = taught_studios(user).order_by("name").distinct()
        self.fields["studio"].queryset = studios
        if len(studios) == 1:  # nothing to choose: preselected, without the empty choice
            self.fields["studio"].empty_label = None
            self.initial.setdefault("studio", studios[0].pk)
        self.fields["routine"] = RoutineChoiceField(
            user,
            queryset=routines_for(user).select_related("song", "owner").order_by("-created_at"),
            help_text=self.fields["routine"].help_text,
        )


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=8,
        label="Class code",
        help_text="The 6-letter code your instructor gives you.",
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()
