"""The ceiling on public lookups per address: far above what a person asks, low for a script.

One counter per address, scope and window in the cache: the requirements lookup
(`LOOKUP_THROTTLE_RATE`, e.g. "300/m", shared by the public page and the JSON lookup) and
the departure check (`DEPARTURE_CHECK_THROTTLE_RATE`, far lower: each question tries a bond
number and a birth date), and a walk-in case's claim (`CLAIM_THROTTLE_RATE`, counted per
account and per case rather than per address: each attempt tries a claim code). The cache
is one every worker of the machine shares (settings.CACHES: files under the data directory,
or a cache server), so a ceiling holds whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

# Addresses (IPv4, IPv6), account ids and normalised case references.
PLAIN_KEY = re.compile(r"[A-Za-z0-9._:-]{1,100}", re.ASCII)


class LookupThrottle(SimpleRateThrottle):
    """ninja's rate parsing and client address, with a fixed window counted in the cache.

    ninja's own throttles keep every request's timestamp per address, which costs as much
    as the ceiling is high; a counter per window costs the same at any ceiling.
    """

    def __init__(
        self, *, scope: str = "lookup", setting: str = "LOOKUP_THROTTLE_RATE", ident: str = ""
    ) -> None:
        self.scope = scope
        self.setting = setting
        self.ident = ident
        super().__init__(rate=getattr(settings, setting))

    def _current_rate(self) -> tuple[int, int]:
        # Read on each request, so that a changed setting applies to the API's instance too.
        count, duration = self.parse_rate(getattr(settings, self.setting))
        assert count is not None
        assert duration is not None
        return count, duration

    def get_ident(self, request: HttpRequest) -> str | None:
        """The address of the peer, or, behind `TRUSTED_PROXIES` proxies, the address the
        outermost of them saw (the n-th from the right of X-Forwarded-For).

        ninja's own reading takes the whole X-Forwarded-For header as the address unless
        NINJA_NUM_PROXIES is set: a client sending a new header each time escaped the ceiling.
        """
        peer = request.META.get("REMOTE_ADDR")
        proxies: int = settings.TRUSTED_PROXIES
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if proxies <= 0 or not forwarded:
            return peer
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-min(proxies, len(hops))] or peer

    def get_cache_key(self, request: HttpRequest | None) -> str | None:
        """`throttle:<scope>:<who>`, where who is an address or an identity as it is when it
        is plain ASCII of cache-key characters, else its SHA-256: an identity holds what a
        client typed (a case reference), and control characters or a long key are refused
        by some cache servers (memcached) and warned of by Django."""
        who = str(self.ident or (None if request is None else self.get_ident(request)))
        if not PLAIN_KEY.fullmatch(who):
            who = "sha256-" + hashlib.sha256(who.encode("utf-8", "surrogatepass")).hexdigest()
        return f"throttle:{self.scope}:{who}"

    def allow_request(self, request: HttpRequest | None) -> bool:
        """True while the address has made fewer requests than the ceiling in this window."""
        self.num_requests, self.duration = self._current_rate()
        self.now = time.time()
        window = int(self.now // self.duration)
        self.key = f"{self.get_cache_key(request)}:{window}"
        # add() starts the window's count; add() and incr() are atomic in memcached, Redis
        # and the default file cache (core.file_cache), not in Django's own file cache.
        if cache.add(self.key, 1, self.duration):
            return True
        try:
            count = cache.incr(self.key)
        except ValueError:  # the window expired between add() and incr()
            cache.add(self.key, 1, self.duration)
            return True
        self.window_end = (window + 1) * self.duration
        # Django's file and database caches increment by a get and a set under the default
        # timeout (300 s): the count would lapse five quiet minutes into an hour's window.
        # (The default file cache's incr() keeps the expiry; this sets it to the window's end.)
        cache.touch(self.key, max(1, int(self.window_end - self.now) + 1))
        return bool(count <= self.num_requests)

    def wait(self) -> float | None:
        """Seconds until the next window opens."""
        end = getattr(self, "window_end", None)
        return None if end is None else max(0.0, end - self.now)


def lookup_allowed(
    request: HttpRequest, *, scope: str = "lookup", setting: str = "LOOKUP_THROTTLE_RATE"
) -> tuple[bool, int]:
    """Whether this address may ask again in `scope` (its ceiling the setting named
    `setting`), and the seconds to wait when it may not."""
    throttle = LookupThrottle(scope=scope, setting=setting)
    if throttle.allow_request(request):
        return True, 0
    return False, int((throttle.wait() or 0) + 1)


def attempt_allowed(*, scope: str, ident: str, setting: str) -> tuple[bool, int]:
    """Whether one more attempt counted against `ident` (an account, a case reference...)
    in `scope` stays under the ceiling the setting named `setting` gives, and the seconds
    to wait when it does not: the same window counter as an address's, keyed by `ident`."""
    throttle = LookupThrottle(scope=scope, setting=setting, ident=ident)
    if throttle.allow_request(None):
        return True, 0
    return False, int((throttle.wait() or 0) + 1)


def client_address(request: HttpRequest) -> str:
    """The asking address as the throttle counts it (`LookupThrottle.get_ident`)."""
    return LookupThrottle().get_ident(request) or ""
