"""Logging and progress for the ETL.

Every ``etl`` module logs through ``logging.getLogger(__name__)`` (never ``print``); the
command line sets the level once (:func:`configure_logging`: ``-q`` warnings only, default
info, ``-v`` debug). Steps that can take more than a second (reading, validating, writing,
checking) report through :func:`progress`: a progress bar when the log goes to a terminal,
otherwise plain log lines (at most one a second, plus one when the step ends) so that a
long run in a pipe, a cron job or CI still shows that it is moving.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator

import click

LOGGER_NAME = "etl"
logger = logging.getLogger(__name__)


class _ClickHandler(logging.Handler):
    """Writes records to the current ``sys.stderr`` (click's test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # noqa: BLE001 (logging must never break a load)
            self.handleError(record)


def configure_logging(verbosity: int) -> None:
    """Level of the ``etl`` logger: ``verbosity`` -1 (quiet) warnings, 0 info, 1+ debug."""
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    root = logging.getLogger(LOGGER_NAME)
    for handler in list(root.handlers):
        if isinstance(handler, _ClickHandler):
            root.removeHandler(handler)
    handler = _ClickHandler()
    pattern = "%(asctime)s %(levelname)s %(name)s: %(message)s" if verbosity > 0 else "%(message)s"
    handler.setFormatter(logging.Formatter(pattern, datefmt="%H:%M:%S"))
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def _interactive() -> bool:
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) and logger.isEnabledFor(logging.INFO)


class Progress:
    """Say which item starts with :meth:`working_on`, advance with :meth:`advance` as items
    of a step finish."""

    def __init__(self, label: str, total: int, interval: float) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.interval = interval
        self.started = time.perf_counter()
        self.current = ""
        self._item_started = self.started
        self._last_line = self.started
        self._bar = None
        self._lock = threading.Lock()

    def working_on(self, item: str) -> None:
        with self._lock:
            self.current = item
            self._item_started = time.perf_counter()
        if self._bar is not None:
            self._bar.current_item = item
            self._bar.render_progress()

    def advance(self, count: int = 1, item: str = "") -> None:
        with self._lock:
            self.done += count
            self.current = ""
        if self._bar is not None:
            self._bar.update(count, current_item=item)
            return
        now = time.perf_counter()
        if now - self._last_line >= self.interval and self.done < self.total:
            self._last_line = now
            suffix = f" ({item})" if item else ""
            logger.info(
                "%s: %d/%d%s, %.1f s", self.label, self.done, self.total, suffix, now - self.started
            )

    def beat(self, every: float) -> None:
        """A line when one item has kept the step silent for ``every`` seconds."""
        now = time.perf_counter()
        with self._lock:
            if not self.current or now - self._last_line < every:
                return
            self._last_line = now
            current, item_seconds = self.current, now - self._item_started
        logger.info(
            "%s: %d/%d, working on %s for %.0f s",
            self.label,
            self.done,
            self.total,
            current,
            item_seconds,
        )


@contextlib.contextmanager
def progress(
    label: str, total: int, unit: str = "item(s)", interval: float = 1.0, beat: float = 10.0
) -> Iterator[Progress]:
    """Report a step of ``total`` items: a bar in a terminal, log lines otherwise (and, while
    one item takes long, a line every ``beat`` seconds saying which)."""
    step = Progress(label, total, interval)
    if _interactive() and total > 0:
        with click.progressbar(
            length=total,
            label=label,
            file=sys.stderr,
            show_pos=True,
            item_show_func=lambda item: item or "",
        ) as bar:
            step._bar = bar
            yield step
        logger.debug("%s: %d in %.1f s", label, total, time.perf_counter() - step.started)
        return
    logger.info("%s: %d %s ...", label, total, unit)
    finished = threading.Event()

    def beating() -> None:
        while not finished.wait(min(beat, 1.0)):
            step.beat(beat)

    thread = threading.Thread(target=beating, name="etl-progress", daemon=True)
    thread.start()
    try:
        yield step
    finally:
        finished.set()
        thread.join()
    seconds = time.perf_counter() - step.started
    # A step that ended within the interval needs no second line.
    level = logging.INFO if seconds >= interval else logging.DEBUG
    logger.log(level, "%s: %d %s done in %.1f s", label, step.done, unit, seconds)


@contextlib.contextmanager
def heartbeat(label: str, interval: float = 5.0) -> Iterator[None]:
    """For a step that cannot count its items (one long call): a line when it starts and one
    every ``interval`` seconds while it runs (the caller reports the result)."""
    started = time.perf_counter()
    finished = threading.Event()

    def beat() -> None:
        while not finished.wait(interval):
            logger.info("%s: still running, %.0f s", label, time.perf_counter() - started)

    logger.info("%s ...", label)
    thread = threading.Thread(target=beat, name="etl-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        finished.set()
        thread.join()
    logger.debug("%s: done in %.1f s", label, time.perf_counter() - started)
