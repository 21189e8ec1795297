"""Stores the frame batches of every practice socket in this process, in rounds.

A learner sends ten batches a second; one transaction each would make the database thread (all
of Channels' database calls share one) the limit on how many learners a process can coach. So a
batch waits at most `FLUSH_INTERVAL_S`, and each round stores every waiting batch of every
connection in one transaction. Beat results do not wait for this: the socket sends them as soon as
they are scored. Acknowledgements do: a batch is acknowledged only once its round is stored.
"""

import asyncio
import weakref

from channels.db import database_sync_to_async

from coach.services.practice import ScoredBatch, store_batches

FLUSH_INTERVAL_S = 0.25


class BatchWriter:
    """Collects scored batches and stores them together; `submit` returns the round's future,
    which completes when the batch is stored (or fails with the database's error)."""

    def __init__(self, interval_s: float = FLUSH_INTERVAL_S):
        self.interval_s = interval_s
        self._pending: list[ScoredBatch] = []
        self._round: asyncio.Future | None = None

    def submit(self, batch: ScoredBatch) -> asyncio.Future:
        if self._round is None:
            loop = asyncio.get_running_loop()
            self._round = loop.create_future()
            loop.call_later(self.interval_s, lambda: asyncio.ensure_future(self._flush()))
        self._pending.append(batch)
        return self._round

    async def _flush(self):
        batches, stored = self._pending, self._round
        self._pending, self._round = [], None
        try:
            await database_sync_to_async(store_batches)(batches)
        except Exception as error:  # every waiting connection hears of it and its client resends
            stored.set_exception(error)
        else:
            stored.set_result(len(batches))


_writers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BatchWriter]" = weakref.WeakKeyDictionary()


def batch_writer() -> BatchWriter:
    """The writer of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _writers:
        _writers[loop] = BatchWriter()
    return _writers[loop]
