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


_INCOMPLETE = object()


class Frames:
    """Messages out of a byte stream that arrives in pieces: fed by the crawl process's reactor as
    it delivers them, or read from a blocking pipe (the archive process, and the crawl process
    before its reactor runs)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def _take(self) -> Any:
        """The first whole message in the buffer, taken out of it; ``_INCOMPLETE`` if there is none."""
        buffer = self._buffer
        if len(buffer) < _LENGTH.size:
            return _INCOMPLETE
        end = _LENGTH.size + _LENGTH.unpack_from(buffer)[0]
        if len(buffer) < end:
            return _INCOMPLETE
        with memoryview(buffer) as view, view[_LENGTH.size : end] as data:
            message = pickle.loads(data)
        del buffer[:end]
        return message

    def feed(self, data: bytes) -> Iterator[Any]:
        """The messages that ``data`` completes."""
        self._buffer += data
        while (message := self._take()) is not _INCOMPLETE:
            yield message

    def read(self, fd: int) -> Any:
        """The next message, reading the blocking pipe ``fd`` as far as needed; EOFError at its end."""
        while (message := self._take()) is _INCOMPLETE:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        return message

    @property
    def buffered(self) -> bool:
        """Bytes of a next message already read."""
        return bool(self._buffer)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
