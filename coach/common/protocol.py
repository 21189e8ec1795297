"""The site's WebSocket protocol facts, in one place: close codes (RFC 6455's private range,
mirroring HTTP statuses) and the message types of the practice and class sockets (their shapes:
README.md, "Practice socket" and "Live classes"). The consumers and services import them;
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

# Practice socket, learner to server.
FRAMES = "frames"  # a batch of tracked landmark frames
IMAGE = "image"  # the fallback: one camera image for the server to track
PONG = "pong"  # the answer to a ping, for the clock offset
CALIBRATION = "calibration"  # the learner's audio latency, before the first batch
END = "end"  # the learner finished
# Practice socket, server to learner (a class seat's socket sends these too).
READY = "ready"
PING = "ping"
CLOCK = "clock"
BEAT = "beat"
ACK = "ack"
SUMMARY = "summary"
ERROR = "error"
# Class sockets: the class's state to its learners and board, the board's rows.
CLASS_STATE = "class_state"
BOARD = "board"
LEARNER = "learner"

# By name, for the pages' scripts (static/js/protocol.js: MESSAGE.frames, MESSAGE.class_state, ...).
MESSAGE_TYPES = {
    "frames": FRAMES, "image": IMAGE, "pong": PONG, "calibration": CALIBRATION, "end": END,
    "ready": READY, "ping": PING, "clock": CLOCK, "beat": BEAT, "ack": ACK, "summary": SUMMARY, "error": ERROR,
    "class_state": CLASS_STATE, "board": BOARD, "learner": LEARNER,
}  # fmt: skip


def socket_protocol() -> dict:
    """What the pages' scripts need of the protocol, as JSON-ready data."""
    return {"close": CLOSE_CODES, "message": MESSAGE_TYPES}
