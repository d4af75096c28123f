"""Messages over a pipe: each a pickle, framed by its length.

The crawl process and its archive process (crawler.archiving) talk this way: the
archive process with blocking reads, the crawl process as its reactor delivers
the bytes.  Both ends are ours, so pickles are safe here.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Iterator
from typing import Any

# A frame: the length of a pickle (8 bytes, big-endian), then the pickle.
_LENGTH = struct.Struct(">Q")


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


class Frames:
    """Messages out of a byte stream that arrives in pieces (the crawl process reads it as the
    reactor delivers it)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> Iterator[Any]:
        buffer = self._buffer
        buffer += data
        start = 0
        while len(buffer) - start >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(buffer, start)
            end = start + _LENGTH.size + length
            if len(buffer) < end:
                break
            yield pickle.loads(memoryview(buffer)[start + _LENGTH.size : end])
            start = end
        del buffer[:start]


def _read_exact(fd: int, n: int) -> bytes | None:
    """``n`` bytes, or None at end of file (the crawl process is gone, or a frame was cut short)."""
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> Any:
    """The next message on a blocking pipe; EOFError at its end."""
    header = _read_exact(fd, _LENGTH.size)
    data = None if header is None else _read_exact(fd, _LENGTH.unpack(header)[0])
    if data is None:
        raise EOFError
    return pickle.loads(data)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
