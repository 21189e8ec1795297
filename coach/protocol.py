"""The site's WebSocket protocol facts, in one place: close codes (RFC 6455's private range,
mirroring HTTP statuses) and the practice socket's message types. The consumers import them;
the pages' scripts get them from `socket_protocol()` through `json_script` (the template
`includes/socket_protocol.html`, read by static/js/protocol.js).
"""

# The server could not store batches: the client reconnects and resends them.
CLOSE_SERVER_ERROR = 1011
# Too many refused messages.
CLOSE_BAD_MESSAGES = 4400
# Not logged in, or not yours.
CLOSE_FORBIDDEN = 4403
# No such attempt, job, export or class (or a socket path that names nothing).
CLOSE_NOT_FOUND = 4404
# The attempt is finished, or taken over by a newer socket.
CLOSE_FINISHED = 4409
# A message over the size limit.
CLOSE_TOO_BIG = 4413
# Flooding: more messages than the rate limit allows.
CLOSE_FLOODING = 4429

CLOSE_CODES = {
    "server_error": CLOSE_SERVER_ERROR,
    "bad_messages": CLOSE_BAD_MESSAGES,
    "forbidden": CLOSE_FORBIDDEN,
    "not_found": CLOSE_NOT_FOUND,
    "finished": CLOSE_FINISHED,
    "too_big": CLOSE_TOO_BIG,
    "flooding": CLOSE_FLOODING,
}


def socket_protocol() -> dict:
    """What the pages' scripts need of the protocol, as JSON-ready data."""
    return {"close": CLOSE_CODES}
