"""Injected faults: the fake SPSE misbehaves the way live LPSE servers do, at seeded random.

A profile gives per-request probabilities; `Faults.decide` draws one decision per request from
one seeded stream, so a retried request eventually succeeds. A 429 opens a burst window during
which every request is refused with a Retry-After of the remaining seconds.

Two faults are deterministic, independent of request order and of the clock, so tests about
them are not races: a *broken tab* (one tab of a package answers HTTP 500 with a ~32 KB error
page for its first `tab_error_hits` requests while its other pages answer, as observed on the
national host in 2026) is chosen by a hash of its URL; *token uses* make every session answer
that many list calls and then expire (the next list call gets the login page).
"""

from __future__ import annotations

import math
import random
import threading
import zlib
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Per-request fault probabilities and durations of one profile."""

    name: str
    server_error: float = 0.0  # HTTP 500/502/503/504
    reset: float = 0.0  # close the socket without answering
    truncate: float = 0.0  # cut the body (honest or lying Content-Length)
    rate_limit: float = 0.0  # start a 429 burst
    burst_seconds: tuple[float, float] = (1.0, 1.0)  # length of a burst = its Retry-After
    token_expiry: float = 0.0  # on /dt/ calls: the session dies, the answer is the login page
    error_page: float = 0.0  # HTTP 200 "Maaf, terjadi error pada aplikasi SPSE."
    slow: float = 0.0
    slow_seconds: tuple[float, float] = (0.0, 0.0)
    tab_error: float = 0.0  # share of (package, tab) pages that answer 500 for a while
    tab_error_hits: int = 0  # requests a broken tab answers 500 before it recovers
    token_uses: int = 0  # list calls a session answers before it expires (0: no limit)


PROFILES = {
    "none": Profile("none"),
    "flaky": Profile(
        "flaky",
        server_error=0.03,
        reset=0.005,
        rate_limit=0.01,
        burst_seconds=(1.0, 1.0),
        slow=0.03,
        slow_seconds=(0.2, 0.6),
        tab_error=0.03,
        tab_error_hits=8,
    ),
    "hostile": Profile(
        "hostile",
        server_error=0.05,
        reset=0.02,
        truncate=0.01,
        rate_limit=0.01,
        burst_seconds=(1.0, 2.0),
        token_expiry=0.02,
        error_page=0.02,
        slow=0.03,
        slow_seconds=(0.3, 1.5),
    ),
}


@dataclass(frozen=True)
class Decision:
    """What to do to one request: a fault kind (or None), an extra delay, and fault details."""

    kind: str | None
    delay: float = 0.0
    status: int = 200
    retry_after: int = 0
    honest_length: bool = True
    error_code: str = ""


class Faults:
    """Seeded per-request fault draws for one profile (thread-safe)."""

    def __init__(self, profile: str | Profile, seed: int):
        self.profile = PROFILES[profile] if isinstance(profile, str) else profile
        self._rng = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()
        self._burst_until = 0.0
        self._seed = seed
        self._tab_hits: Counter[str] = Counter()

    def tab_broken(self, path: str) -> bool:
        """True while this detail tab is one of the profile's broken tabs and has not recovered."""
        p = self.profile
        if p.tab_error <= 0 or p.tab_error_hits <= 0:
            return False
        if zlib.crc32(f"{self._seed}:{path}".encode()) / 2**32 >= p.tab_error:
            return False
        with self._lock:
            self._tab_hits[path] += 1
            return self._tab_hits[path] <= p.tab_error_hits

    def decide(self, now: float, is_dt: bool) -> Decision:
        """One decision for a request arriving at monotonic time `now`."""
        p = self.profile
        with self._lock:
            rng = self._rng
            if now < self._burst_until:
                return Decision(
                    "rate_limit", status=429, retry_after=max(1, math.ceil(self._burst_until - now))
                )
            delay = rng.uniform(*p.slow_seconds) if rng.random() < p.slow else 0.0
            r = rng.random()
            for kind, chance in (
                ("server_error", p.server_error),
                ("reset", p.reset),
                ("truncate", p.truncate),
                ("rate_limit", p.rate_limit),
                ("error_page", p.error_page),
            ):
                if r < chance:
                    return self._make(kind, delay, now)
                r -= chance
            if is_dt and rng.random() < p.token_expiry:
                return Decision("token_expiry", delay)
            return Decision("slow" if delay else None, delay)

    def _make(self, kind: str, delay: float, now: float) -> Decision:
        """Fill in the details of a fault (called under the lock)."""
        rng = self._rng
        if kind == "server_error":
            return Decision(kind, delay, status=rng.choice((500, 502, 503, 504)))
        if kind == "rate_limit":
            seconds = rng.uniform(*self.profile.burst_seconds)
            self._burst_until = now + seconds
            return Decision(kind, status=429, retry_after=max(1, math.ceil(seconds)))
        if kind == "truncate":
            return Decision(kind, delay, honest_length=rng.random() < 0.5)
        if kind == "error_page":
            return Decision(kind, delay, error_code=f"{rng.getrandbits(32):08x}")
        return Decision(kind, delay)
