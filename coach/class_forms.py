"""Forms of live classes: opening one, and joining one with its code."""

from django import forms

from coach import permissions


class ClassForm(forms.Form):
    title = forms.CharField(max_length=200)
    studio = forms.ModelChoiceField(queryset=None, help_text="Its students can join the class.")
    routine = forms.ModelChoiceField(queryset=None, help_text="Everyone dances this routine together.")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = permissions.taught_studios(user).order_by("name")
        self.fields["routine"].queryset = permissions.routines_for(user)


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=8, label="Class code", help_text="The 6-letter code your instructor gives you.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()
