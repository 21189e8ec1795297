"""The song upload form."""

from django import forms

from generation.audio import ALLOWED_EXTENSIONS, MAX_UPLOAD_BYTES


class SongUploadForm(forms.Form):
    title = forms.CharField(
        max_length=200, required=False, help_text="Leave empty to use the file name."
    )
    audio = forms.FileField(
        help_text=f"mp3, wav, ogg, flac or m4a; at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and 10 minutes.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(ALLOWED_EXTENSIONS) + ",audio/*"}
        ),
    )
