"""WebSocket consumers of live classes: a learner's seat and the instructor's board.

A learner's socket is the practice socket (`coach.practice.consumers.PracticeConsumer`, same messages,
same storage) for the attempt of their seat, plus `class_state` messages (the common start time)
and a copy of every scored beat sent to the class's board group. The board receives `board` on
connect, then a `learner` row for every change and `class_state` on start and end. Shapes are
in README.md ("Live classes") and `coach.classes.services`.
"""

from channels import DEFAULT_CHANNEL_LAYER
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from coach.classes import services as classes
from coach.common.protocol import BEAT, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, LEARNER, SUMMARY
from coach.practice.consumers import PracticeConsumer


class ClassLearnerConsumer(PracticeConsumer):
    """`/ws/classes/<class id>/learn/`: the practice socket of the user's seat in the class."""

    channel_layer_alias = DEFAULT_CHANNEL_LAYER  # the class's groups reach it through the layer

    async def connect(self):
        user = self.scope["user"]
        class_id = self.scope["url_route"]["kwargs"]["class_id"]
        seat = await database_sync_to_async(classes.learner_seat)(user, class_id)
        if seat is None:
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN if not user.is_authenticated else CLOSE_NOT_FOUND)
            return
        self.class_id, self.learner_id, self.learner_name = (
            class_id,
            seat.learner_id,
            seat.learner.username,
        )
        self.scope["url_route"]["kwargs"]["attempt_id"] = seat.attempt_id
        await super().connect()
        if self.session is None:
            return
        self.beats = {beat["index"]: beat for beat in self.session.attempt.beat_results}
        # Join the group before reading the state, so a start in between is not missed.
        await self.channel_layer.group_add(classes.learners_group(class_id), self.channel_name)
        state = await database_sync_to_async(classes.current_state)(class_id)
        await self._send(state)
        await self._tell_board()

    async def _end_connection(self):
        """However the seat's socket ends (the learner left, or the server closed it), the board
        hears that the learner left, unless a newer socket of theirs holds the seat now."""
        if self.ended:
            return
        await super()._end_connection()
        if self.session is not None:
            await self.channel_layer.group_discard(
                classes.learners_group(self.class_id), self.channel_name
            )
            if not self.session.taken_over:
                await self._tell_board(connected=False)

    async def _send(self, message: dict):
        await super()._send(message)
        if message["type"] == BEAT:
            self.beats[message["index"]] = {k: v for k, v in message.items() if k != "type"}
            await self._tell_board()
        elif message["type"] == SUMMARY:
            self.beats = {beat["index"]: beat for beat in self.session.attempt.beat_results}
            await self._tell_board(finished=True)

    async def class_message(self, event):
        await self._send(event["message"])

    async def class_roll_call(self, event):
        await self._tell_board()

    async def _tell_board(self, connected: bool = True, finished: bool = False):
        finished = finished or self.finished
        entry = classes.board_entry(
            self.learner_id,
            self.learner_name,
            self.session.attempt.id,
            beats=list(self.beats.values()),
            connected=connected and not finished,
            finished=finished,
        )
        await self.channel_layer.group_send(
            classes.board_group(self.class_id),
            {"type": "class.message", "message": {"type": LEARNER, **entry}},
        )


class ClassBoardConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/classes/<class id>/board/`: the instructor's live board (read only)."""

    group = None

    async def connect(self):
        user = self.scope["user"]
        class_id = self.scope["url_route"]["kwargs"]["class_id"]
        await self.accept()
        state = await database_sync_to_async(self._board)(user, class_id)
        if state is None:
            await self.close(code=CLOSE_FORBIDDEN if not user.is_authenticated else CLOSE_NOT_FOUND)
            return
        self.group = classes.board_group(class_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json(state)
        # Learners connected now answer with their live rows (the stored ones may lag).
        await self.channel_layer.group_send(
            classes.learners_group(class_id), {"type": "class.roll_call"}
        )

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """The board only listens; the class is started and ended over HTTP."""

    async def class_message(self, event):
        await self.send_json(event["message"])

    @staticmethod
    def _board(user, class_id):
        class_session = classes.controlled_class(user, class_id)
        return None if class_session is None else classes.board_state(class_session)
