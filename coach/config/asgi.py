"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import gc
import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach.config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from coach.config.routing import websocket_urlpatterns  # noqa: E402
from coach.config.worker import maybe_start_embedded_worker  # noqa: E402
from scoring.warm_up import warm_up  # noqa: E402

maybe_start_embedded_worker()
# Load the live scorer's compiled kernels now, not on the first learner's first beat.
warm_up()
# Import every view and build the URL resolver now: done by the first request or finished attempt,
# it holds the interpreter for a quarter of a second or more, stalling every live learner.
get_resolver().reverse_dict  # noqa: B018
# Everything loaded so far (Django, torch, numba, ...) lives as long as the process: keep it out
# of the garbage collector's full passes, which otherwise stall the event loop for tenths of a
# second while learners wait for their beats.
gc.freeze()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
