"""The form that asks for a routine: style, level, seed and model family."""

from django import forms

from generation.styles import LEVEL_CHOICES, STYLE_CHOICES


class GenerateForm(forms.Form):
    style = forms.ChoiceField(choices=STYLE_CHOICES)
    level = forms.ChoiceField(choices=LEVEL_CHOICES)
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        initial=0,
        help_text="Another number gives another routine.",
    )
    architecture = forms.ChoiceField(
        label="Model (advanced)",
        required=False,
        help_text="Which model family choreographs; the default is our best.",
    )
    personalise = forms.BooleanField(
        label="Build on my attempts",
        required=False,
        initial=True,
        help_text="Phrases you already dance well come back, one new in four, leaning toward the "
        "body part you miss most (the phrases model only).",
    )

    half_time = forms.BooleanField(
        label="Half time",
        required=False,
        help_text="Each move at half speed, still on the beat: for learning a routine slowly "
        "(the phrases model only).",
    )

    def __init__(self, *args, **kwargs):
        from generation.families import DEFAULT_ARCHITECTURE, available_architectures

        super().__init__(*args, **kwargs)
        self.fields["architecture"].choices = [("", f"Default ({DEFAULT_ARCHITECTURE})")] + [
            (name, name) for name in available_architectures()
        ]
