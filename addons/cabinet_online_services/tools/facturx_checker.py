"""One long-lived process per Odoo process that runs the Factur-X checks (XSD, EN 16931 and
BR-FR schematrons, compiled once: ``facturx_check_worker.py``), so that checking a chunk of
invoices costs one exchange on a pipe, not a Python start and a Saxon compile per invoice.

Saxon cannot run inside an Odoo server: its native image needs more address space than
``limit_memory_hard`` (``RLIMIT_AS``) allows. The checker process lifts that limit for
itself. It is started on the first check, shared by the threads of the process (one
exchange at a time), started again when it has died, and stopped when the process exits;
it also stops by itself when its parent is gone (its input closes). A forked child (Odoo's
prefork workers) starts its own.

Nothing here imports Odoo: it is also run on its own, under an address-space limit, by the
addon's tests.
"""

import atexit
import contextlib
import json
import os
import resource
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

WORKER = Path(__file__).resolve().with_name("facturx_check_worker.py")
SIZE = struct.Struct(">I")
START_TIMEOUT = 120  # seconds to compile the stylesheets
CHECK_TIMEOUT = 60  # seconds per exchange, plus one per document
STOP_TIMEOUT = 5


class CheckerError(Exception):
    """The checks could not run."""


class _WorkerGone(Exception):
    """The checker process stopped (or never started): starting it again may help."""


class FacturxChecker:
    """The checker process, started when first needed and again whenever it has died.

    ``pid`` is its process id (None when none runs), ``starts`` how many times one was
    started, ``exchanges`` how many requests it answered, and ``waited`` how many seconds
    callers of ``submit`` spent waiting for an outcome once their own work was done."""

    def __init__(self, command=None):
        self.command = command or [sys.executable, str(WORKER)]
        self.starts = 0
        self.exchanges = 0
        self.waited = 0.0
        self._lock = threading.Lock()
        self._process = None

    @property
    def pid(self):
        process = self._process
        return process.pid if process and process.poll() is None else None

    def check(self, documents):
        """Each document's problems, ``[[(rule, message), ...], ...]``, in one exchange."""
        documents = list(documents)
        if not documents:
            return []
        with self._lock:
            for attempt in (1, 2):
                try:
                    self._start_if_needed()
                    answer = self._exchange(documents)
                    break
                except _WorkerGone as error:
                    self._stop()
                    if attempt == 2:
                        raise CheckerError(str(error)) from None
        if isinstance(answer, dict):
            raise CheckerError(answer.get("error") or repr(answer))
        return [[tuple(problem) for problem in problems] for problems in answer]

    def submit(self, documents):
        """Check ``documents`` while the caller goes on: ``result()`` of the returned
        ``PendingCheck`` waits for what ``check`` would return (or raises what it raises)."""
        return PendingCheck(self, documents)

    def close(self):
        """Stop the checker process: its input closes and it exits (killed if it lingers)."""
        with self._lock:
            self._stop()

    # The methods below run under the lock.

    def _start_if_needed(self):
        if self._process and self._process.poll() is None:
            return
        self._process = None
        # No preexec_fn (not safe in a threaded server): the process lifts its own limit.
        process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, close_fds=True
        )
        self._process = process
        self.starts += 1
        answer = self._read_answer(time.monotonic() + START_TIMEOUT, starting=True)
        if not (isinstance(answer, dict) and answer.get("ready") == process.pid):
            self._stop()
            raise CheckerError(f"unexpected first answer: {answer!r}")

    def _exchange(self, documents):
        request = [SIZE.pack(len(documents))]
        for document in documents:
            request += [SIZE.pack(len(document)), document]
        self._write(b"".join(request))
        deadline = time.monotonic() + CHECK_TIMEOUT + len(documents)
        answer = self._read_answer(deadline)
        self.exchanges += 1
        return answer

    def _write(self, data):
        view = memoryview(data)
        fd = self._process.stdin.fileno()
        try:
            while view:
                view = view[os.write(fd, view) :]
        except (BrokenPipeError, OSError) as error:
            raise _WorkerGone(self._gone_reason(error)) from None

    def _read_answer(self, deadline, starting=False):
        (size,) = SIZE.unpack(self._read(SIZE.size, deadline, starting))
        return json.loads(self._read(size, deadline, starting))

    def _read(self, size, deadline, starting):
        fd = self._process.stdout.fileno()
        chunks = []
        while size:
            remaining = deadline - time.monotonic()
            ready, _w, _x = select.select([fd], [], [], max(remaining, 0))
            if not ready:
                self._stop()
                raise CheckerError(
                    "the Factur-X checker did not answer in time"
                    + (" after it started" if starting else "")
                )
            chunk = os.read(fd, size)
            if not chunk:
                raise _WorkerGone(self._gone_reason())
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _gone_reason(self, error=None):
        process = self._process
        try:
            status = process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            status = None
        reason = f"the Factur-X checker process stopped (exit status {status})"
        if error:
            reason += f": {error}"
        hard = _address_space_hard_limit()
        if hard is not None:
            reason += (
                f"; its address space is limited to {hard} bytes (hard RLIMIT_AS), "
                "which Saxon may not start under"
            )
        return reason

    def _stop(self):
        process, self._process = self._process, None
        if not process:
            return
        _close_pipes(process)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _forget(self):
        """In a forked child: the process belongs to the parent, only its pipes are closed."""
        process, self._process = self._process, None
        self._lock = threading.Lock()
        if process:
            _close_pipes(process)
            process.returncode = 0  # not ours to wait for


class PendingCheck:
    """A check running in a thread of this process, which only waits on the pipes."""

    def __init__(self, checker, documents):
        self._checker = checker
        self._result = self._error = None
        self._thread = threading.Thread(
            target=self._run, args=(checker, list(documents)), name="facturx-check", daemon=True
        )
        self._thread.start()

    def _run(self, checker, documents):
        try:
            self._result = checker.check(documents)
        except Exception as error:  # raised again by result()
            self._error = error

    def result(self):
        started = time.monotonic()
        self._thread.join()
        with _checker_lock:
            self._checker.waited += time.monotonic() - started
        if self._error is not None:
            raise self._error
        return self._result


def _close_pipes(process):
    for stream in (process.stdin, process.stdout):
        with contextlib.suppress(OSError):
            stream.close()


def _address_space_hard_limit():
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if hard == resource.RLIM_INFINITY else hard


_checker = None
_checker_lock = threading.Lock()


def checker():
    """This process's checker (made on first use)."""
    global _checker  # one per process
    with _checker_lock:
        if _checker is None:
            _checker = FacturxChecker()
        return _checker


def check(documents):
    """Each document's problems, checked by this process's checker in one exchange."""
    return checker().check(documents)


def _close():
    if _checker is not None:
        _checker.close()


def _after_fork_in_child():
    global _checker_lock  # a lock held at fork time is never released
    _checker_lock = threading.Lock()
    if _checker is not None:
        _checker._forget()


atexit.register(_close)
os.register_at_fork(after_in_child=_after_fork_in_child)
