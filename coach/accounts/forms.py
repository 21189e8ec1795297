"""Signing up."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from coach.accounts.models import User


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Used to reset your password.")

    class Meta:
        model = User
        fields = ("username", "email")
