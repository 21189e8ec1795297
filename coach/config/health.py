"""`/healthz`: a cheap public liveness answer, `{"ok": true}` (no database, no broker); for staff
(session, or an API token), whether each part of the service is reachable: JSON, 200 when all
are, else 503. The detail names workers and takes up to two seconds, so it is not public."""

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from rest_framework.exceptions import AuthenticationFailed

from coach.accounts.tokens import ExpiringTokenAuthentication
from coach.config.celery import app


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _channel_layer():
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    message = {"type": "health.ping", "nonce": uuid.uuid4().hex}
    async_to_sync(layer.send)(channel, message)
    received = async_to_sync(layer.receive)(channel)
    return {"ok": received.get("nonce") == message["nonce"], "backend": type(layer).__name__}


def _broker():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "transport": conn.transport_cls}


def _worker():
    replies = app.control.ping(timeout=1.0)
    names = sorted(name for reply in replies for name in reply)
    return {"ok": bool(names), "workers": names, "embedded": settings.CELERY_EMBEDDED_WORKER}


CHECKS = {
    "database": _database,
    "channel_layer": _channel_layer,
    "broker": _broker,
    "worker": _worker,
}


def _staff(request) -> bool:
    if request.user.is_authenticated:
        return request.user.is_staff
    try:
        found = ExpiringTokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    return found is not None and found[0].is_staff


def healthz(request):
    if not _staff(request):
        return JsonResponse({"ok": True})
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:  # a health check reports failures instead of raising them
            report[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    healthy = all(part["ok"] for part in report.values())
    return JsonResponse({"ok": healthy, **report}, status=200 if healthy else 503)
