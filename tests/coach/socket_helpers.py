"""Talking to the site's sockets in-process, as the browser does (session cookie, Origin)."""

import json

from channels.testing import WebsocketCommunicator
from django.test import Client

from coach.config.asgi import application


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def communicator(path: str, cookie: bytes | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


async def receive_until(socket, kind: str, timeout: float = 10) -> list[dict]:
    """Messages up to and including the first of `kind` (answering the server's clock pings)."""
    seen = []
    while True:
        message = json.loads(await socket.receive_from(timeout=timeout))
        if message["type"] == "ping":
            await socket.send_to(
                text_data=json.dumps(
                    {
                        "type": "pong",
                        "server_time_ms": message["server_time_ms"],
                        "client_time_ms": 1.0e12,
                    }
                )
            )
            continue
        seen.append(message)
        if message["type"] == kind:
            return seen


async def close_code(socket, timeout: float = 10) -> int:
    """Read until the server closes the socket; its close code."""
    while True:
        output = await socket.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]
