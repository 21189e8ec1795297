"""The site's own "not found" page, also with DEBUG on.

With DEBUG, Django answers a 404 with its technical page, which lists the site's URL patterns;
`.ci/start` runs with DEBUG for the tracebacks of real errors, but nobody should be shown the URL
map for a mistyped address. This middleware renders templates/404.html for every `Http404` (a
view's, or an address no pattern matches), as Django does itself when DEBUG is off.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve


class NotFoundPageMiddleware:
    """Last in MIDDLEWARE, so CommonMiddleware's APPEND_SLASH redirect still comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            resolve(request.path_info)
        except Resolver404:
            return not_found(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        return not_found(request) if isinstance(exception, Http404) else None


def not_found(request):
    # An API client reads every error as JSON, also for an address no pattern matches (an id the
    # router refuses, say); the schema documents it (coach/common/api_schema.py).
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)
