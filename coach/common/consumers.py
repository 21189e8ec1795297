"""The sockets every feature shares: the answer to a path that names nothing, and the base of the
background tasks' progress sockets (jobs, video exports). Close codes: `coach.common.protocol`."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer

from coach.common.protocol import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND


class NoSuchSocketConsumer(AsyncWebsocketConsumer):
    """A socket path that names nothing (an unknown path, or an id that is not a UUID)."""

    channel_layer_alias = None

    async def connect(self):
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)


class TaskProgressConsumer(AsyncJsonWebsocketConsumer):
    """Pushes a background task's state (a job, an export) each time the task reports progress.

    A subclass names the URL keyword of the object's id and three functions: the object's channel
    group (`group_for(id)`), the objects a user may see (`visible_to(user)`, a queryset) and an
    object's state (`state_of(object)`); updates arrive as `task.update` events.
    """

    url_kwarg = ""
    group_for = visible_to = state_of = None

    def state_for(self, user, object_id) -> dict | None:
        """The state of the object if `user` may see it, else None."""
        record = self.visible_to(user).filter(pk=object_id).first()
        return self.state_of(record) if record else None

    async def connect(self):
        object_id = self.scope["url_route"]["kwargs"][self.url_kwarg]
        state = await database_sync_to_async(self.state_for)(self.scope["user"], object_id)
        if state is None:
            # Accept first so the client receives the documented close code, not a bare 403.
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = self.group_for(object_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(state)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def task_update(self, event):
        await self.send_json(event["state"])
