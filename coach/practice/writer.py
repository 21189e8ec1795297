"""Stores the frame batches of every practice socket in this process, in rounds.

A learner sends a batch every quarter second and at every beat's end; one transaction each would
make the database thread (all of Channels' database calls share one) the limit on how many
learners a process can coach. So a batch waits at most `settings.PRACTICE_STORE_EVERY_S`, and each round stores
every waiting batch of every connection in one transaction. Beat results do not wait for this:
the socket sends them as soon as they are scored. Acknowledgements do: a batch is acknowledged
only once its round is stored, so a round is also one acknowledgement per connection; rounds a
second apart keep those sends few while the client holds about a second of unacknowledged
batches. An attempt's end does not wait for the round: `flush_now` stores it at once.
"""

import asyncio
import weakref

from channels.db import database_sync_to_async
from django.conf import settings

from coach.practice.services import ScoredBatch
from coach.practice.storage import store_batches


class BatchWriter:
    """Collects scored batches and stores them together; `submit` returns the round's future,
    which completes when the batch is stored (or fails with the database's error)."""

    def __init__(self, interval_s: float):
        self.interval_s = interval_s
        self._pending: list[ScoredBatch] = []
        self._round: asyncio.Future | None = None
        self._timer: asyncio.TimerHandle | None = None

    def submit(self, batch: ScoredBatch) -> asyncio.Future:
        if self._round is None:
            loop = asyncio.get_running_loop()
            self._round = loop.create_future()
            self._timer = loop.call_later(self.interval_s, self.flush_now, self._round)
        self._pending.append(batch)
        return self._round

    def flush_now(self, round_: asyncio.Future) -> None:
        """Store ``round_`` now instead of at its time, if it is still the one collecting."""
        if round_ is not self._round:
            return
        self._timer.cancel()
        batches, self._pending, self._round = self._pending, [], None
        asyncio.ensure_future(self._store(batches, round_))

    async def _store(self, batches: list[ScoredBatch], stored: asyncio.Future):
        try:
            await database_sync_to_async(store_batches)(batches)
        except Exception as error:  # every waiting connection hears of it and its client resends
            stored.set_exception(error)
        else:
            stored.set_result(len(batches))


_writers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BatchWriter]" = (
    weakref.WeakKeyDictionary()
)


def batch_writer() -> BatchWriter:
    """The writer of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _writers:
        _writers[loop] = BatchWriter(settings.PRACTICE_STORE_EVERY_S)
    return _writers[loop]
