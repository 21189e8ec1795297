"""`{{ seconds|clock }}`: a duration as the browser's audio player shows it, m:ss (whole seconds
dropped), so a page and its player state one duration."""

from django import template

register = template.Library()


@register.filter
def clock(seconds) -> str:
    if seconds is None:
        return ""
    whole = int(float(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
