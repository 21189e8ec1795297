from django import forms
from django.contrib.auth.forms import UserCreationForm

from coach.models import User
from generation.audio import ALLOWED_EXTENSIONS, MAX_UPLOAD_BYTES
from generation.styles import LEVEL_CHOICES, STYLE_CHOICES


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Used to reset your password.")

    class Meta:
        model = User
        fields = ("username", "email")


class SongUploadForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, help_text="Leave empty to use the file name.")
    audio = forms.FileField(
        help_text=f"mp3, wav, ogg, flac or m4a; at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and 10 minutes.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS) + ",audio/*"}),
    )


class GenerateForm(forms.Form):
    style = forms.ChoiceField(choices=STYLE_CHOICES)
    level = forms.ChoiceField(choices=LEVEL_CHOICES)
    seed = forms.IntegerField(
        min_value=0, max_value=2**31 - 1, initial=0, help_text="Another number gives another routine."
    )
    architecture = forms.ChoiceField(
        label="Model (advanced)", required=False, help_text="Which model family choreographs; the default is our best."
    )
    personalise = forms.BooleanField(
        label="Build on my attempts", required=False, initial=True,
        help_text="Phrases you already dance well come back, one new in four, leaning toward the "
        "body part you miss most (the phrases model only).",
    )

    def __init__(self, *args, **kwargs):
        from generation.families import DEFAULT_ARCHITECTURE, available_architectures

        super().__init__(*args, **kwargs)
        self.fields["architecture"].choices = [("", f"Default ({DEFAULT_ARCHITECTURE})")] + [
            (name, name) for name in available_architectures()
        ]


class StudioForm(forms.Form):
    name = forms.CharField(max_length=120)
