"""A teacher's comment on an attempt, on one beat or the whole of it."""

from django import forms

from coach.review.services import MAX_COMMENT_CHARS


class CommentForm(forms.Form):
    beat = forms.IntegerField(
        min_value=1,
        required=False,
        help_text="The beat number as the report shows it; empty for the whole attempt.",
    )
    text = forms.CharField(
        max_length=MAX_COMMENT_CHARS, widget=forms.Textarea(attrs={"rows": 2}), label="Comment"
    )

    def beat_index(self) -> int | None:
        beat = self.cleaned_data.get("beat")
        return None if beat is None else beat - 1
