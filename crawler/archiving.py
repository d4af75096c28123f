"""The crawl's archive, written in a process of its own.

Hashing, compressing and indexing a response, and reading a report page's
metadata block, cost about as much CPU as Scrapy spends fetching the page.  On
the reactor thread that time would hold up every other download; a thread would
not help, since the work needs the GIL.  So one spawned process owns the
Archive (crawler.archive_process) and the reactor only sends it bytes.

One process working through its calls in order: records are written in the order
they were asked for (a page's metadata record after the page), and a caller that
needs a result (a record id) awaits it.  A SIGKILL loses only calls not yet made,
whose pages the next crawl fetches again, as it does any page the index lacks.
"""

from __future__ import annotations

import logging
import multiprocessing
import uuid
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred

from archive import ArchiveError
from crawler import archive_process

logger = logging.getLogger(__name__)


class ArchiveWriter:
    """A process that owns the crawl's Archive; ``call`` and ``send`` run its methods there, in order."""

    def __init__(self, root: Path, fsync: bool, on_broken: Callable[[], Any] | None = None) -> None:
        """``on_broken``: called (on the reactor thread) once if the archive process dies: a crawl
        that can no longer archive must stop, not fetch pages it cannot keep."""
        # Spawned, not forked: a fork of a running reactor (its threads, sockets, locks) is unsafe.
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=archive_process.open_archive, initargs=(str(root), fsync))
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

    def _submit(self, fn, *args: Any) -> Future:
        try:
            return self._pool.submit(fn, *args)
        except BrokenProcessPool as e:
            self._broke()
            raise ArchiveError("the archive process died") from e

    def _deferred(self, future: Future) -> Deferred:
        """A Deferred fired on the reactor thread when the process answers."""
        from twisted.internet import reactor  # here: importing it installs a reactor, Scrapy's choice first

        d: Deferred = Deferred()

        def done(f: Future) -> None:
            error = f.exception()
            if error is None:
                reactor.callFromThread(d.callback, f.result())
            elif isinstance(error, BrokenProcessPool):
                reactor.callFromThread(self._broke)
                reactor.callFromThread(d.errback, ArchiveError("the archive process died"))
            else:
                reactor.callFromThread(d.errback, error)

        future.add_done_callback(done)
        return d

    def defer(self, fn, *args: Any) -> Deferred:
        """``fn(*args)``, a function of crawler.archive_process, in the archive process, after every
        earlier call: a Deferred of its result."""
        return self._deferred(self._submit(fn, *args))

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
        """``fn(*args)`` in the archive process, blocking: only before the crawl starts."""
        try:
            return self._submit(fn, *args).result()
        except BrokenProcessPool as e:
            self._broke()
            raise ArchiveError("the archive process died") from e

    def close(self) -> None:
        """Finish every queued call, close the archive (its open WARC file is renamed), end the process."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self.broken:
                self.run_now(archive_process.close)
        except ArchiveError:
            pass  # it died: the next Archive opened there recovers its open WARC file
        finally:
            self._pool.shutdown(wait=True)


def _stop(crawler) -> None:
    crawler.stats.set_value("nianbao/archive_died", 1)
    if crawler.crawling:
        deferred_from_coro(crawler.stop_async())


def archive_for(crawler) -> ArchiveWriter:
    """The crawler's one archive writer, started on first use and closed when the engine stops."""
    writer = getattr(crawler, "nianbao_archive", None)
    if writer is None:
        root = Path(crawler.settings.get("NIANBAO_DATA", "data")) / "archive"
        writer = ArchiveWriter(root, crawler.settings.getbool("NIANBAO_ARCHIVE_FSYNC"),
                               on_broken=lambda: _stop(crawler))
        crawler.nianbao_archive = writer
        crawler.nianbao_crawl_id = uuid.uuid4().hex  # ties this crawl's events together
        crawler.signals.connect(writer.close, signal=signals.engine_stopped)
    return writer
