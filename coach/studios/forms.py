"""The form that opens a studio."""

from django import forms


class StudioForm(forms.Form):
    name = forms.CharField(max_length=120)
