"""A stored file (song, routine frames, video) as an HTTP response, after a view has checked
that the requester may see it (each feature's `selectors`).

How the bytes leave depends on `settings.MEDIA_ACCEL`:

- ``none``: Django streams them itself, honouring one byte range (``Range: bytes=a-b``, ``a-``
  or the suffix ``-n``: 206 with ``Content-Range``; 416 when the range starts past the end),
  ``If-Range``, and the validators ``ETag``/``Last-Modified`` (304 when unchanged). Audio
  elements need ranges to seek and to read the duration.
- ``x-accel``: an empty response whose ``X-Accel-Redirect`` names the file under
  ``MEDIA_ACCEL_PREFIX``, an ``internal`` nginx location aliased to ``MEDIA_ROOT``; nginx sends
  the bytes and handles ranges.
- ``x-sendfile``: the same with ``X-Sendfile`` and the file's path (Apache mod_xsendfile,
  lighttpd).
- ``redirect``: 302 to the storage's own URL: with django-storages' S3 backend a signed URL
  that expires after ``AWS_QUERYSTRING_EXPIRE`` seconds.
"""

import mimetypes
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

CHUNK_BYTES = 128 * 1024
# Private files: a shared cache must not keep them; the browser asks again (cheaply, with the
# validators) so a revoked permission takes effect at once.
CACHE_CONTROL = "private, no-cache"

_SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``start`` to ``end`` of a file, both included (as in ``Content-Range``)."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class UnsatisfiableRange(Exception):
    """The requested range starts at or past the end of the file (answered with 416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The byte range a ``Range`` header asks of a file of ``size`` bytes, clipped to the file.

    None means "send the whole file": no header, or one this server does not honour (another
    unit, several ranges) or cannot read, which RFC 9110 lets a server ignore.
    """
    match = _SINGLE_RANGE.fullmatch(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)  # the last `suffix` bytes
        if suffix == 0 or size == 0:
            raise UnsatisfiableRange
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise UnsatisfiableRange
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


class StoredFileResponse(StreamingHttpResponse):
    """Streams ``length`` bytes of an open file from ``start``, in chunks.

    Under ASGI each chunk is read in a worker thread: given a plain iterator, Django would read
    the whole file into memory first, and reading on the event loop would stall live sockets.
    """

    def __init__(self, handle, start: int, length: int, **kwargs):
        super().__init__(self._chunks(handle, start, length), **kwargs)

    @staticmethod
    def _chunks(handle, start, length):
        try:
            handle.seek(start)
            while length > 0:
                chunk = handle.read(min(CHUNK_BYTES, length))
                if not chunk:
                    break
                length -= len(chunk)
                yield chunk
        finally:
            handle.close()

    async def __aiter__(self):
        chunks = iter(self.streaming_content)
        while (
            chunk := await sync_to_async(next, thread_sensitive=False)(chunks, None)
        ) is not None:
            yield chunk


def stored_file_response(
    request, field_file, *, filename: str = "", as_attachment: bool = False, content_type: str = ""
) -> HttpResponse:
    """The response for a GET or HEAD of ``field_file`` (a FieldFile) that ``request`` may see.

    ``filename``: the name the browser saves it under (the stored name's last part by default).
    """
    name = field_file.name
    storage = field_file.storage
    filename = filename or PurePosixPath(name).name
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": content_disposition_header(as_attachment, filename),
        "Cache-Control": CACHE_CONTROL,
    }
    if settings.MEDIA_ACCEL == "redirect":
        return HttpResponseRedirect(
            storage.url(name), headers={"Cache-Control": "private, no-store"}
        )
    if settings.MEDIA_ACCEL == "x-accel":
        target = settings.MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
        return HttpResponse(headers={**headers, "X-Accel-Redirect": target})
    if settings.MEDIA_ACCEL == "x-sendfile":
        return HttpResponse(headers={**headers, "X-Sendfile": storage.path(name)})
    return _streamed(request, storage, name, headers)


def _validators(storage, name: str, size: int) -> tuple[str | None, int | None]:
    """A strong ETag (modification time and size) and the modification time, where the storage
    knows it."""
    try:
        modified = storage.get_modified_time(name)
    except NotImplementedError:
        return None, None
    micros = int(modified.timestamp() * 1_000_000)
    return f'"{micros:x}-{size:x}"', int(modified.timestamp())


def _if_range_allows(request, etag: str | None, last_modified: int | None) -> bool:
    """Whether a ``Range`` may be honoured: no ``If-Range``, or one naming the current file."""
    condition = request.headers.get("If-Range")
    if not condition:
        return True
    if condition.startswith('"'):
        return etag is not None and condition == etag
    when = parse_http_date_safe(condition)
    return when is not None and when == last_modified


def _streamed(request, storage, name: str, headers: dict) -> HttpResponse:
    size = storage.size(name)
    etag, last_modified = _validators(storage, name, size)
    headers["Accept-Ranges"] = "bytes"
    if etag:
        headers.update({"ETag": etag, "Last-Modified": http_date(last_modified)})
    unchanged = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=HttpResponse(headers=headers)
    )
    if unchanged.status_code != 200:
        return unchanged  # 304 Not Modified or 412 Precondition Failed

    byte_range = None
    if _if_range_allows(request, etag, last_modified):
        try:
            byte_range = parse_range(request.headers.get("Range"), size)
        except UnsatisfiableRange:
            headers["Content-Range"] = f"bytes */{size}"
            return HttpResponse(status=416, headers=headers)
    if byte_range is None:
        byte_range, status = ByteRange(0, size - 1), 200
    else:
        status = 206
        headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    headers["Content-Length"] = str(byte_range.length)
    if request.method == "HEAD" or byte_range.length == 0:
        return HttpResponse(status=status, headers=headers)
    return StoredFileResponse(
        storage.open(name, "rb"),
        byte_range.start,
        byte_range.length,
        status=status,
        headers=headers,
    )
