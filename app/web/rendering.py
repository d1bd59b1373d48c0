"""Markdown rendering with a deadline, in a separate process that is killed when it overruns.

Python-Markdown is quadratic or worse on some shapes well under the size limit (20 KB of `[`
takes about a minute; `term\\n: def\\n` repeated overflows the stack), and nothing inside one
Python process can stop a regular expression that is already running. Measured on this machine:
an ordinary 180 KB position renders in about 60 ms, 3 KB of `[` already in 0.8 s. A pre-check of
the known bad shapes would leave the unknown ones, so the renderer runs in a worker process
instead: an ordinary text costs one round trip over a pipe (well under a millisecond), a text
that overruns RENDER_SECONDS has its worker killed and is refused with a clear message, and the
person's text is kept by whoever called (the form, the API client).

Workers are started by a fork server (never forked from a threaded app process) and reused.
"""

import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection

from positions.refusals import Invalid

# Of the worker's CPU: about 16 times an ordinary text at the size limit, and short enough that a
# pathological text is refused within 2 s by the clock on a busy machine.
RENDER_SECONDS = 1.0
# A worker that has not had its RENDER_SECONDS of CPU is only waiting for a busy machine, not
# stuck in a pathological text: it is given up to this long by the clock before it is stopped.
WALL_SECONDS = 20
POLL_SECONDS = 0.05
# Starting a worker is not rendering: on a busy machine (sixteen people saving at once) a new
# worker can take longer than RENDER_SECONDS to be ready, and that must not refuse their text.
START_SECONDS = 30
_IDLE_WORKERS = 2  # kept warm per app process; more are started when several render at once

TOO_COMPLEX = (
    "This text could not be turned into a page in time. Long runs of brackets or angle "
    "brackets, or very deeply nested lists, quotes or definition lists, can do that: simplify "
    "those parts and try again. Your text is kept."
)


def _serve(conn: Connection) -> None:
    """The worker loop: a text in, ("ok", html) or ("error", reason) out, till the pipe closes."""
    from positions.rendering import render_markdown

    conn.send(("ready", None))  # the deadline starts once the worker can render
    while True:
        try:
            text = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", render_markdown(text)))
        except RecursionError:
            conn.send(("error", "too deeply nested"))


class _Worker:
    def __init__(self, context) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(START_SECONDS) or self.conn.recv()[0] != "ready":
            self.stop()
            raise RuntimeError("a Markdown worker did not start")

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.process.close()
        self.conn.close()


class BoundedRenderer:
    """Renders in worker processes, each render limited to `seconds`."""

    def __init__(self, seconds: float = RENDER_SECONDS) -> None:
        self.seconds = seconds
        self.idle: list[_Worker] = []
        self.lock = threading.Lock()
        self.context = multiprocessing.get_context("forkserver")
        # The fork server imports these once; each worker forked from it starts at once.
        self.context.set_forkserver_preload(["app.web.rendering", "positions.rendering"])

    def _take(self) -> _Worker:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return _Worker(self.context)

    def _give_back(self, worker: _Worker) -> None:
        with self.lock:
            if len(self.idle) < _IDLE_WORKERS:
                self.idle.append(worker)
                return
        worker.stop()

    def _answered(self, worker: _Worker, before: float | None) -> bool:
        """Wait for the worker's answer until it has used `seconds` of CPU (a text that would
        take minutes), or WALL_SECONDS have passed. Counting its CPU, not the clock, means that
        sixteen people saving at once on a busy machine are not told their text is too complex."""
        started = time.monotonic()
        while not worker.conn.poll(POLL_SECONDS):
            now = _cpu_seconds(worker.process.pid)
            clock = now is None or before is None  # no /proc: the clock it is
            used = time.monotonic() - started if clock else now - before
            if used >= self.seconds or time.monotonic() - started >= WALL_SECONDS:
                return False
        return True

    def render(self, text: str) -> str:
        """Safe HTML for the text, or Invalid (code too_complex, field body) past the deadline."""
        worker = self._take()
        before = _cpu_seconds(worker.process.pid)  # a reused worker has rendered before
        try:
            worker.conn.send(text)
            answered = self._answered(worker, before)
            outcome, value = worker.conn.recv() if answered else ("error", "too slow")
        except (EOFError, OSError):  # the worker died (killed from outside, out of memory)
            outcome, value = "error", "worker lost"
            answered = False
        if not answered:
            worker.stop()  # it may still be running: nothing else can stop it
        else:
            self._give_back(worker)
        if outcome != "ok":
            raise Invalid(TOO_COMPLEX, code="too_complex", field="body")
        return value

    def close(self) -> None:
        with self.lock:
            workers, self.idle = self.idle, []
        for worker in workers:
            worker.stop()


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time a process has used (user and system), from Linux's /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_renderer = BoundedRenderer()


def render_bounded(text: str, *, field: str = "body") -> str:
    """The module's renderer, refusing on the named field (body, rationale, text)."""
    try:
        return _renderer.render(text)
    except Invalid as refused:
        refused.field = field
        raise
