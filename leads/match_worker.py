"""Registry matching beside the lead pass: a second process when there is a second core.

Matching a package costs about as much as computing its lead, and both are pure Python, so on a
two-core machine the build hands packages to a forked worker (the registry rows are inherited, not
copied through a pipe) and keeps computing and writing leads meanwhile. The worker sends back each
package's best registration; ``leads.match_store`` stores and decides them. With one core, or
where ``fork`` does not exist, the same interface matches in this process.
"""

from __future__ import annotations

import datetime as dt
import marshal
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from leads.match_store import Candidate
from leads.matching import PackageForMatch, RegistryIndex, _best
from leads.registry_file import Registration

#: Slices of packages queued for the worker before ``feed`` waits (bounds the memory held in flight).
QUEUE_SLICES = 4
#: A package as sent to the worker: (package id, site, code, name, fiscal year, names, NPWPs, values).
Wire = tuple[int, str, str, str, int | None, tuple[str, ...], tuple[str, ...], tuple[float, ...]]
#: A result as sent back: (package id, registration_no, rank, score, explanation).
Found = tuple[int, str, float, int, str]


class Matcher(Protocol):
    """Takes packages to match, returns their best candidates at the end."""

    def feed(self, packages: Sequence[Wire]) -> None:
        """Queue packages (``Wire`` tuples, package id first) for matching."""

    def results(self) -> list[Candidate]:
        """The best registration of every fed package that has one (call once)."""

    def close(self) -> None:
        """Release the worker, if any."""


def _registrations(rows: Sequence[tuple]) -> Iterator[Registration]:
    """Registry rows as read by the build (id first) → ``Registration``."""
    for r in rows:
        day = r[6]
        if isinstance(day, str):
            day = dt.date.fromisoformat(day[:10])
        yield Registration(
            registration_no=r[1],
            project_name=r[2],
            contractor_name=r[3],
            npwp=r[4],
            contract_value=r[5],
            registered_on=day,
            tender_code=r[7],
        )


def _match(index: RegistryIndex, wires: Sequence[Wire]) -> list[Found]:
    """Best registration of each package that has one."""
    out: list[Found] = []
    for pid, site, code, name, year, names, npwps, values in wires:
        found = _best(PackageForMatch(site, code, name, year, names, npwps, values), index)  # type: ignore[arg-type]
        if found is not None:
            rank, match = found
            out.append((pid, match.registration_no, rank, match.score, match.explanation))
    return out


class _Local:
    """Matching in this process."""

    def __init__(self, rows: Sequence[tuple]) -> None:
        self.index = RegistryIndex(_registrations(rows))
        self.ids = {r[1]: r[0] for r in rows}
        self.found: list[Found] = []

    def feed(self, packages: Sequence[Wire]) -> None:
        """Match now."""
        self.found.extend(_match(self.index, packages))

    def results(self) -> list[Candidate]:
        """What was found."""
        return [Candidate(pid, self.ids[no], rank, score, why) for pid, no, rank, score, why in self.found]

    def close(self) -> None:
        """Nothing to release."""


def _serve(held: list[Sequence[tuple]], inbox: Any, outbox: Any) -> None:
    """Worker body: build the index, match every slice until None, send all results back."""
    index = RegistryIndex(_registrations(held.pop()))
    found: list[Found] = []
    while True:
        sent = inbox.get()
        if sent is None:
            break
        found.extend(_match(index, marshal.loads(sent)))
    outbox.send(found)
    outbox.close()


class _Worker:
    """Matching in a forked process."""

    def __init__(self, rows: Sequence[tuple]) -> None:
        context = multiprocessing.get_context("fork")
        self.ids = {r[1]: r[0] for r in rows}
        self.inbox = context.Queue(maxsize=QUEUE_SLICES)
        self.receive, send = context.Pipe(duplex=False)
        held = [rows]
        self.process = context.Process(target=_serve, args=(held, self.inbox, send), daemon=True)
        self.process.start()
        send.close()
        held.clear()  # the forked worker has its own copy of the rows; this process keeps only ids

    def feed(self, packages: Sequence[Wire]) -> None:
        """Queue a slice (waits while the worker is ``QUEUE_SLICES`` behind).

        ``Wire`` tuples hold only ints, floats, strings and None, which ``marshal`` writes several
        times faster than pickle; the queue then pickles one bytes object. The writing happens in
        this process, the busier of the two.
        """
        self._put(marshal.dumps(list(packages)))

    def _put(self, item: bytes | None) -> None:
        """Queue ``item``, failing (not hanging) when the worker has died."""
        while True:
            try:
                self.inbox.put(item, timeout=1)
                return
            except queue.Full:
                if not self.process.is_alive():
                    raise RuntimeError(
                        f"registry matching worker died (exit code {self.process.exitcode})"
                    ) from None

    def results(self) -> list[Candidate]:
        """Stop the worker and collect what it found."""
        self._put(None)
        try:
            found: list[Found] = self.receive.recv()
        except EOFError as exc:
            raise RuntimeError(f"registry matching worker died (exit code {self.process.exitcode})") from exc
        self.process.join()
        return [Candidate(pid, self.ids[no], rank, score, why) for pid, no, rank, score, why in found]

    def close(self) -> None:
        """Make sure the worker is gone."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.inbox.cancel_join_thread()
        self.inbox.close()
        self.receive.close()


def start_matcher(rows: Sequence[tuple]) -> Matcher:
    """A matcher over the registry ``rows``: a worker process when a second core and ``fork`` exist.

    ``LPSE_LEADS_MATCH_WORKER=0`` keeps matching in this process. So does a caller that runs other
    threads (the scheduler's job pool, the demo's fake SPSE): a forked child of a threaded process
    can inherit a lock another thread held and hang.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    wanted = os.environ.get("LPSE_LEADS_MATCH_WORKER", "1") != "0"
    single_threaded = threading.active_count() == 1
    if wanted and single_threaded and cores > 1 and "fork" in multiprocessing.get_all_start_methods():
        return _Worker(rows)
    return _Local(rows)
