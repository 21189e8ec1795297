"""The socket protocol's close codes are stated once (coach/protocol.py) and handed to the
pages' scripts in a json_script block."""

import json
import re

from django.template.loader import render_to_string
from django.test import RequestFactory

from coach import protocol
from coach.context_processors import socket_protocol


def test_pages_get_the_close_codes_as_json():
    request = RequestFactory().get("/")
    html = render_to_string("includes/socket_protocol.html", socket_protocol(request))
    block = re.search(r'<script id="socket-protocol" type="application/json">(.*?)</script>', html)
    assert json.loads(block.group(1)) == {"close": protocol.CLOSE_CODES}
    assert protocol.CLOSE_CODES["finished"] == protocol.CLOSE_FINISHED == 4409
