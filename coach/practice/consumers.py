"""`/ws/practice/<id>/`: the practice socket. It stays thin: check who is asking, parse, call a
service (`coach.practice.services`), relay.

Close codes and message types: `coach.common.protocol`."""

import asyncio
import logging

import orjson
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from coach.common.protocol import (
    CALIBRATION,
    CLOSE_BAD_MESSAGES,
    CLOSE_FLOODING,
    CLOSE_SERVER_ERROR,
    CLOSE_TOO_BIG,
    END,
    ERROR,
    FRAMES,
    IMAGE,
    PING,
    PONG,
)
from coach.practice import services as practice
from coach.practice.messages import MAX_ERRORS, MAX_MESSAGE_BYTES, PracticeError, TokenBucket
from coach.practice.writer import batch_writer

log = logging.getLogger(__name__)


# Pings sent after `ready` to measure the client's clock offset and round trip.
CLOCK_PINGS = 5


CLOCK_PING_INTERVAL_S = 0.2


class PracticeConsumer(AsyncWebsocketConsumer):
    """One learner's attempt: pose batches in; acks, clock pings and beat results out.

    The message shapes are in README.md ("Practice socket"); the rules in
    `coach.practice.services` (the message checks: `coach.practice.messages`).
    """

    session = None
    finished = disconnected = closing = ended = False
    # Nothing is sent to a practice socket through the channel layer: without one, a connection
    # costs no channel and no pending receive on it (with Redis, a round trip per message).
    channel_layer_alias = None

    async def connect(self):
        await self.accept()
        self.bucket = TokenBucket()
        self.errors = 0
        self.finished = False
        self.storing = None  # the writer round holding this connection's newest batches
        self.disconnected = False
        self.closing = False  # this side has closed: nothing more is sent or handled
        self.ended = False  # the connection's end has been handled (attempt marked, tracker freed)
        attempt_id = self.scope["url_route"]["kwargs"]["attempt_id"]
        try:
            self.session = await database_sync_to_async(practice.open_session)(
                self.scope["user"], attempt_id
            )
        except practice.PracticeDenied as denied:
            await self._deny(denied)
            return
        await self._send(practice.ready_message(self.session))
        self.pinger = asyncio.ensure_future(self._ping_clock())

    async def dispatch(self, message):
        # Channels closes stale database connections before every message, which is a hop to the
        # database thread; a pose batch never touches the database here (the batch writer does,
        # through `database_sync_to_async`, which cleans up the same way).
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def disconnect(self, code):
        self.disconnected = True
        await self._end_connection()

    async def _close(self, code: int):
        """Close from the server's side. The connection's end is handled first: the messages
        already on their way are not handled after this, and the server (uvicorn) refuses any
        send once the close is sent, so nothing may depend on what follows."""
        if self.closing:
            return
        self.closing = True
        await self._end_connection()
        if not self.disconnected:
            await self.close(code=code)

    async def _end_connection(self):
        """Once per connection, however it ends: store what waits, mark an unfinished attempt
        incomplete (unless another socket holds it now) and free the pose tracker."""
        if self.ended:
            return
        self.ended = True
        if getattr(self, "pinger", None):
            self.pinger.cancel()
        if self.session is None:
            return
        if self.finished:
            practice.release_tracker(self.session)
            return
        await self._stored(now=True)
        await database_sync_to_async(practice.interrupt)(self.session)

    async def _deny(self, denied: practice.PracticeDenied):
        await self._send({"type": ERROR, "code": "denied", "message": str(denied)})
        await self._close(denied.close_code)

    async def receive(self, text_data=None, bytes_data=None):
        if self.session is None or self.finished or self.closing:
            return
        if not self.bucket.take():
            await self._close(CLOSE_FLOODING)
            return
        raw = text_data if text_data is not None else bytes_data
        if len(raw) > MAX_MESSAGE_BYTES:
            await self._refuse(
                "too_big", f"messages are limited to {MAX_MESSAGE_BYTES} bytes", CLOSE_TOO_BIG
            )
            return
        try:
            message = orjson.loads(raw)
        except orjson.JSONDecodeError:
            await self._refuse("bad_json", "messages must be JSON")
            return
        if not isinstance(message, dict):
            await self._refuse("bad_message", "a message must be a JSON object with a type")
            return
        try:
            await self._dispatch(message)
        except practice.PracticeDenied as denied:  # another socket has taken the attempt over
            await self._deny(denied)
        except PracticeError as error:
            await self._refuse(error.code, str(error))
        except Exception:  # one learner's bad luck must not take the socket server down
            log.exception("practice message failed for attempt %s", self.session.attempt.id)
            await self._refuse("server_error", "the server could not handle that message")

    async def _dispatch(self, message: dict):
        kind = message.get("type")
        if kind == FRAMES:
            # Scoring takes well under a millisecond: it runs right here, not on a thread.
            await self._accepted(practice.accept_frames(self.session, message), message)
        elif kind == IMAGE:
            scored = await sync_to_async(practice.accept_image, thread_sensitive=False)(
                self.session, message
            )
            await self._accepted(scored, message)
        elif kind == PONG:
            received = practice.server_time_ms()
            await self._send(
                practice.record_clock(
                    self.session,
                    sent_server_ms=message.get("server_time_ms"),
                    client_ms=message.get("client_time_ms"),
                    received_server_ms=received,
                )
            )
        elif kind == CALIBRATION:
            await database_sync_to_async(practice.calibrate)(
                self.session, message.get("audio_latency_ms")
            )
        elif kind == END:
            if not await self._stored(now=True):
                return
            summary = await database_sync_to_async(practice.finish)(self.session)
            self.finished = True
            await self._send(practice.ack_message(self.session))
            await self._send(summary)
            await self._close(1000)
        else:
            raise PracticeError("bad_message", f"unknown message type {kind!r}")

    async def _accepted(self, scored, message: dict):
        """Send a new batch's beats now; acknowledge it once the writer has stored it."""
        if scored is None:  # a resent batch: acknowledge it again if it is stored already
            if message["seq"] <= self.session.acked_seq:
                await self._send(practice.ack_message(self.session))
            return
        for beat in practice.beat_messages(scored):
            await self._send(beat)
        stored = batch_writer().submit(scored)
        if stored is not self.storing:
            self.storing = stored
            stored.add_done_callback(lambda _: asyncio.ensure_future(self._ack()))

    async def _ack(self):
        if not await self._stored() or self.finished or self.disconnected or self.closing:
            return
        if self.session.taken_over:  # its batches were not stored: acknowledge none of them
            await self._deny(practice.PracticeTakenOver())
            return
        await self._send(practice.ack_message(self.session))

    async def _stored(self, now: bool = False) -> bool:
        """Wait for this connection's batches to be stored (``now``: without waiting for the
        round's time); on a database error close the socket, so the client reconnects and
        resends what was not acknowledged."""
        if self.storing is None:
            return True
        if now:
            batch_writer().flush_now(self.storing)
        try:
            await self.storing
        except Exception:
            log.exception("could not store pose batches of attempt %s", self.session.attempt.id)
            await self._close(CLOSE_SERVER_ERROR)
            return False
        return True

    async def _refuse(self, code: str, text: str, close_code: int = CLOSE_BAD_MESSAGES):
        self.errors += 1
        await self._send({"type": ERROR, "code": code, "message": text})
        if self.errors >= MAX_ERRORS:
            await self._close(close_code)

    async def _ping_clock(self):
        for _ in range(CLOCK_PINGS):
            await self._send({"type": PING, "server_time_ms": practice.server_time_ms()})
            await asyncio.sleep(CLOCK_PING_INTERVAL_S)

    async def _send(self, message: dict):
        if self.closing or self.disconnected:
            return
        await self.send(text_data=orjson.dumps(message, option=orjson.OPT_SERIALIZE_NUMPY).decode())
