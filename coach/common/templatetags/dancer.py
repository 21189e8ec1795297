"""`{% dancer_colours %}`: the body-part colours of the dancer as a JSON script block
(``id="dancer-colours"``), read by static/js/dancer.js, so the pages draw the dancer in the colours
of the MP4 export (`generation.video.PART_COLOURS`) without restating them."""

from django import template
from django.utils.html import json_script

from generation.video import PART_COLOURS

register = template.Library()


@register.simple_tag
def dancer_colours():
    return json_script(PART_COLOURS, "dancer-colours")
