"""WebSocket consumers. They stay thin: check who is asking, then relay."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from coach.permissions import jobs_for
from coach.services.routines import job_group, job_state

# Close code for "not allowed": the job does not exist or is not yours (RFC 6455 private range).
CLOSE_FORBIDDEN = 4403


class JobProgressConsumer(AsyncJsonWebsocketConsumer):
    """Pushes a generation job's state each time the task reports progress."""

    async def connect(self):
        user = self.scope["user"]
        job_id = self.scope["url_route"]["kwargs"]["job_id"]
        state = await self._state(user, job_id)
        if state is None:
            # Accept first so the client receives the documented close code, not a bare 403.
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = job_group(job_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(state)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def job_update(self, event):
        await self.send_json(event["state"])

    @database_sync_to_async
    def _state(self, user, job_id):
        job = jobs_for(user).filter(pk=job_id).first()
        return job_state(job) if job else None
