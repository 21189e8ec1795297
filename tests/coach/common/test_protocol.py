"""The socket protocol's close codes and message types are stated once (coach/common/protocol.py) and
handed to the pages' scripts in a json_script block."""

import json
import re

from django.template.loader import render_to_string
from django.test import RequestFactory

from coach.common import protocol
from coach.common.context_processors import socket_protocol


def test_pages_get_the_close_codes_and_message_types_as_json():
    request = RequestFactory().get("/")
    html = render_to_string("includes/socket_protocol.html", socket_protocol(request))
    block = re.search(r'<script id="socket-protocol" type="application/json">(.*?)</script>', html)
    assert json.loads(block.group(1)) == {
        "close": protocol.CLOSE_CODES,
        "message": protocol.MESSAGE_TYPES,
    }
    assert protocol.CLOSE_CODES["finished"] == protocol.CLOSE_FINISHED == 4409


def test_every_message_type_is_handed_to_the_pages_under_its_own_name():
    named = {
        name.lower(): value
        for name, value in vars(protocol).items()
        if name.isupper() and isinstance(value, str)
    }
    assert protocol.MESSAGE_TYPES == named
