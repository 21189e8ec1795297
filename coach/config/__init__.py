"""The project's configuration: settings, URLs (HTTP and WebSocket), ASGI and WSGI entry points,
the Celery app and its embedded worker, the server (`python -m coach.config.serve`) and the
health check."""
