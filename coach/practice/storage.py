"""Storing and reading an attempt's pose batches.

`store_batches` is one storage round (`coach.practice.writer` calls it a few times a
second for every practice socket of the process): the batches of any number of attempts in one
transaction, each only while its socket still holds its attempt. Arrays are stored as `.npy`
bytes (`coach.practice.npy_bytes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from django.db import connections, router, transaction
from django.utils import timezone

from coach.practice.models import Attempt, PoseBatch
from coach.practice.npy_bytes import dump_npy, load_npy

if TYPE_CHECKING:
    from coach.practice.services import ScoredBatch

STORED_COLUMNS = ("attempt", "seq", "timestamps", "frames", "image_size", "beats", "received_at")


def store_batches(batches: list[ScoredBatch]) -> None:
    """Store scored batches, of any number of attempts, together: each with its frames and
    the beat results it completed. A batch stored already (by a connection that dropped while its
    batches waited) is skipped, not an error. The batches of a socket that no longer holds its
    attempt are not stored: its session is marked `taken_over` (it must not acknowledge them).

    One multi-row insert with the fields' own conversions, not `bulk_create`: a round holds the
    batches of every learner of the process, and the ORM's per-object work (~0.2 ms a batch)
    would hold the interpreter long enough to delay other learners' beats."""
    fields = [PoseBatch._meta.get_field(name) for name in STORED_COLUMNS]
    connection = connections[router.db_for_write(PoseBatch)]
    received_at = fields[-1].get_db_prep_save(timezone.now(), connection)
    rows = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(
                fields[:-1],
                (
                    batch.session.attempt.pk,
                    batch.seq,
                    dump_npy(batch.timestamps),
                    dump_npy(batch.frames),
                    batch.image_size,
                    batch.beats,
                ),
                strict=True,
            )
        ]
        + [received_at]
        for batch in batches
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(PoseBatch._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING"
    )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        holders = dict(
            Attempt.objects.using(connection.alias)
            .select_for_update()
            .filter(pk__in={batch.session.attempt.pk for batch in batches})
            .values_list("pk", "connection")
        )
        held = [
            holders.get(batch.session.attempt.pk) == batch.session.connection for batch in batches
        ]
        if any(held):
            cursor.executemany(sql, [row for row, holds in zip(rows, held, strict=True) if holds])
    for batch, holds in zip(batches, held, strict=True):
        if holds:
            batch.session.stored_seq = max(batch.session.stored_seq, batch.seq)
        else:
            batch.session.taken_over = True


def attempt_poses(attempt: Attempt) -> dict:
    """Every received frame, in order: {"format", "image_size", "timestamps_ms" (n,),
    "frames" (n, J, C)}; `image_size` is the last one the client reported."""
    batches = list(attempt.batches.all())
    if not batches:
        return {
            "format": attempt.pose_format,
            "image_size": None,
            "timestamps_ms": np.zeros(0),
            "frames": np.zeros((0, 0, 0)),
        }
    return {
        "format": attempt.pose_format,
        "image_size": next((b.image_size for b in reversed(batches) if b.image_size), None),
        "timestamps_ms": np.concatenate([load_npy(b.timestamps) for b in batches]),
        "frames": np.concatenate([load_npy(b.frames) for b in batches]),
    }
