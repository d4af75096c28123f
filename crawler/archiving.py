"""The crawl's archive, written in a process of its own.

Hashing, compressing and indexing a response, and reading a report page's
metadata block, cost about as much CPU as Scrapy spends fetching the page.  On
the reactor thread that time would hold up every other download; a thread would
not help, since the work needs the GIL.  So one spawned process owns the
Archive (crawler.archive_process) and the reactor only sends it bytes.

The calls go down one pipe and the answers come back up another, both read and
written by the reactor itself (Twisted's non-blocking pipe transport): no thread
in the crawl process competes with the reactor for the GIL, as a process pool's
feeder and manager threads did.  One process working through its calls in order:
records are written in the order they were asked for (a page's metadata record
after the page), and a caller that needs a result (a record id) awaits it.  A
SIGKILL of the crawl loses only calls not yet sent, whose pages the next crawl
fetches again, as it does any page the index lacks.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import uuid
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred, succeed
from twisted.internet.protocol import Protocol
from twisted.internet.stdio import StandardIO

from archive import ArchiveError
from crawler import archive_process
from crawler.frames import Frames, frame, write_all

logger = logging.getLogger(__name__)

# Bytes sent to the archive process and not yet answered above which the crawl pauses, going on
# below half of it: on a slow disk, or with large attachments, the crawl waits for its archive
# instead of holding ever more responses in memory.
BACKLOG_BYTES = 64 << 20


class _Answers(Protocol):
    """The reactor's end of the two pipes: answers in, each handed to the writer as it completes."""

    def __init__(self, writer: ArchiveWriter, frames: Frames) -> None:
        self.writer = writer
        self.frames = frames

    def dataReceived(self, data: bytes) -> None:
        for ok, value in self.frames.feed(data):
            self.writer._answered(ok, value)

    def connectionLost(self, reason=None) -> None:
        self.writer._lost()


class ArchiveWriter:
    """A process that owns the crawl's Archive; ``call`` and ``send`` run its methods there, in order."""

    def __init__(self, root: Path, fsync: bool, on_broken: Callable[[], Any] | None = None,
                 on_backlog: Callable[[bool], Any] | None = None, backlog_bytes: int = BACKLOG_BYTES) -> None:
        """``on_broken``: called (on the reactor thread) once if the archive process dies: a crawl
        that can no longer archive must stop, not fetch pages it cannot keep.  ``on_backlog(True)``:
        more than ``backlog_bytes`` of calls wait for answers; ``on_backlog(False)``: half as much."""
        # Spawned, not forked: a fork of a running reactor (its threads, sockets, locks) is unsafe.
        context = multiprocessing.get_context("spawn")
        calls_in, calls_out = context.Pipe(duplex=False)
        answers_in, answers_out = context.Pipe(duplex=False)
        # Daemonic: should the crawl process exit without closing it, multiprocessing ends it.
        self._process = context.Process(target=archive_process.serve, name="nianbao-archive", daemon=True,
                                        args=(calls_in, answers_out, str(root), fsync))
        self._process.start()
        # This process keeps only its own ends, as plain descriptors (Twisted closes them at the end).
        self._calls, self._answers = os.dup(calls_out.fileno()), os.dup(answers_in.fileno())
        for end in (calls_in, calls_out, answers_in, answers_out):
            end.close()
        self._transport: StandardIO | None = None
        self._frames = Frames()  # the answers, read by run_now and then by the reactor
        # One (Deferred, bytes sent) per call, answered in the same order.
        self._waiting: deque[tuple[Deferred, int]] = deque()
        self._backlog = 0
        self._backlog_limit = backlog_bytes
        self._on_backlog = on_backlog
        self._held = False  # on_backlog(True) said last
        self._closed = False
        self._on_broken = on_broken
        self.broken = False
        # Each archived response's pending write, by its request (see crawler.middlewares.archived).
        self.pending: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _broke(self) -> None:
        if not self.broken:
            self.broken = True
            logger.error("the archive process died: stopping the crawl (what it had indexed is kept; "
                         "the next crawl fetches the rest)")
            if self._on_broken is not None:
                self._on_broken()

    def _check_open(self) -> None:
        if self.broken or self._closed:
            raise ArchiveError("the archive process died" if self.broken else "the archive is closed")

    def _answered(self, ok: bool, value: Any) -> None:
        waiting, size = self._waiting.popleft()
        self._backlog -= size
        if self._held and self._backlog <= self._backlog_limit // 2:
            self._held = False
            self._on_backlog(False)
        if ok:
            waiting.callback(value)
        else:
            waiting.errback(value)

    def _lost(self) -> None:
        """The answers pipe ended: after ``close``, as it should; otherwise the process died."""
        waiting, self._waiting = self._waiting, deque()
        if not self._closed:
            self._broke()
        for d, _ in waiting:
            d.errback(ArchiveError("the archive process died"))

    def defer(self, fn, *args: Any) -> Deferred:
        """``fn(*args)``, a function of crawler.archive_process, in the archive process, after every
        earlier call: a Deferred of its result."""
        self._check_open()
        if self._transport is None:
            # First call from the reactor: from now on the reactor reads and writes the pipes.
            # (Imported here: importing it installs a reactor, and Scrapy's choice must come first.)
            from twisted.internet import reactor

            self._transport = StandardIO(_Answers(self, self._frames), stdin=self._answers, stdout=self._calls, reactor=reactor)
        d: Deferred = Deferred()
        data = frame((fn, args))
        self._waiting.append((d, len(data)))
        self._backlog += len(data)
        self._transport.write(data)
        if not self._held and self._on_backlog is not None and self._backlog > self._backlog_limit:
            self._held = True
            self._on_backlog(True)
        return d

    def run(self, fn, *args: Any) -> Awaitable:
        """As ``defer``, to ``await``."""
        return maybe_deferred_to_future(self.defer(fn, *args))

    def call(self, method: str, /, *args: Any, **kwargs: Any) -> Awaitable:
        """``await``: ``Archive.<method>(*args, **kwargs)`` in the archive process."""
        return self.run(archive_process.call, method, args, kwargs)

    def send(self, method: str, /, *args: Any, **kwargs: Any) -> None:
        """As ``call``, for writes nobody waits on (events): a failure is logged, not lost silently."""
        try:
            written = self.defer(archive_process.call, method, args, kwargs)
        except ArchiveError as e:
            logger.error("archive %s failed: %s", method, e)
            return
        written.addErrback(lambda f: logger.error("archive %s failed: %s", method, f.getErrorMessage()))

    def run_now(self, fn, *args: Any) -> Any:
        """``fn(*args)`` in the archive process, blocking: only before the reactor's first call."""
        if self._transport is not None:
            raise RuntimeError("run_now after the crawl started: use run")
        self._check_open()
        try:
            write_all(self._calls, frame((fn, args)))
            ok, value = self._frames.read(self._answers)
        except (OSError, EOFError) as e:
            self._broke()
            raise ArchiveError("the archive process died") from e
        if not ok:
            raise value
        return value

    def close(self) -> Deferred:
        """Finish every call sent, close the archive (its open WARC file is renamed), end the process.

        A Deferred fired once the process has ended.
        """
        if self._closed:
            return succeed(None)
        if self._transport is None:
            try:
                if not self.broken:
                    self.run_now(archive_process.close)
            except ArchiveError:
                pass  # it died: the next Archive opened there recovers its open WARC file
            self._closed = True
            for fd in (self._calls, self._answers):
                os.close(fd)
            self._process.join()
            return succeed(None)
        if self.broken:
            self._closed = True
            self._process.join(timeout=5)
            return succeed(None)
        closed = self.defer(archive_process.close)
        self._closed = True

        def ended(result: Any) -> None:
            self._transport.loseConnection()
            self._process.join(timeout=30)

        return closed.addBoth(ended)

    async def stopped(self) -> None:
        """The engine_stopped handler: ``close``, awaited."""
        await maybe_deferred_to_future(self.close())


def _stop(crawler) -> None:
    crawler.stats.set_value("nianbao/archive_died", 1)
    if crawler.crawling:
        deferred_from_coro(crawler.stop_async())


def _hold(crawler, full: bool) -> None:
    """Pause the engine while the archive process catches up, and go on once it has."""
    engine = crawler.engine
    if engine is None:
        return
    if full:
        crawler.stats.inc_value("nianbao/archive_backlog_pauses")
        logger.info("the archive is behind: pausing the crawl until it catches up")
        engine.pause()
        return
    engine.unpause()
    # Go on now rather than at the engine's next heartbeat, seconds away (no public call does this).
    slot = getattr(engine, "_slot", None)
    if slot is not None:
        slot.nextcall.schedule()


def archive_for(crawler) -> ArchiveWriter:
    """The crawler's one archive writer, started on first use and closed when the engine stops."""
    writer = getattr(crawler, "nianbao_archive", None)
    if writer is None:
        root = Path(crawler.settings.get("NIANBAO_DATA", "data")) / "archive"
        writer = ArchiveWriter(root, crawler.settings.getbool("NIANBAO_ARCHIVE_FSYNC"),
                               on_broken=lambda: _stop(crawler), on_backlog=lambda full: _hold(crawler, full),
                               backlog_bytes=int(crawler.settings.getfloat("NIANBAO_ARCHIVE_BACKLOG_MB") * (1 << 20)))
        crawler.nianbao_archive = writer
        crawler.nianbao_crawl_id = uuid.uuid4().hex  # ties this crawl's events together
        crawler.signals.connect(writer.stopped, signal=signals.engine_stopped)
    return writer
