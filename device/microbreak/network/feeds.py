"""Fetching the calendars' feeds: over https (or a file), with the caching
headers their servers give (``ETag``, ``Last-Modified``), the last good copy
kept on disk, and what went wrong said without the secret in the address::

    feed = Feed("https://calendar.example/private-x/basic.ics", Path("/var/cache/x"))
    feed.refresh()            # fetched; or 304 Not Modified; or kept, saying why
    feed.report(now)          # {"source": "https://calendar.example/…/basic.ics", ...}
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from microbreak import __version__
from microbreak.config.values import redact
from microbreak.network.calendar import CalendarError, parse

log = logging.getLogger("microbreak")

MAX_FEED = 8 * 1024 * 1024  # bytes: years of a busy calendar
TIMEOUT = 30  # seconds for a fetch


class FetchError(Exception):
    """A feed that could not be fetched; the message says why (never the address)."""


class Feed:
    """One feed: *source* (a URL or a file), its last good copy in *cache*."""

    def __init__(self, source: str, cache: Path) -> None:
        self.source = source
        self.shown = redact(source)
        name = hashlib.sha256(source.encode()).hexdigest()[:16]
        self._body_file, self._meta_file = cache / f"{name}.ics", cache / f"{name}.json"
        self.body: bytes | None = None  # the last good copy
        self.meta: dict[str, Any] = {}  # etag, modified, fetched (ISO time of the last good)
        self.problem: str | None = None  # why the last fetch failed
        with contextlib.suppress(OSError, ValueError):
            self.meta = json.loads(self._meta_file.read_text())
            self.body = self._body_file.read_bytes()

    def refresh(self, now: datetime) -> bool:
        """Fetch the feed again; True when the copy changed. A failure keeps
        the last good copy and says why in :attr:`problem` (and the log, once)."""
        try:
            body = self._fetch()
            if body is not None:
                parse(body)  # a page that is not a calendar keeps the last good one
        except (FetchError, CalendarError) as exc:
            if str(exc) != self.problem:
                log.warning("calendar %s: %s; %s", self.shown, exc, self._kept())
            self.problem = str(exc)
            return False
        if self.problem:
            log.info("calendar %s: fetched again", self.shown)
        self.problem = None
        self.meta["fetched"] = now.isoformat(timespec="seconds")
        changed = body is not None and body != self.body
        if changed:
            self.body = body
            self._keep()
        else:
            self._keep_meta()
        return changed

    def report(self) -> dict[str, Any]:
        """How the feed is, for ``microbreak status``."""
        fetched = self.meta.get("fetched")
        when = f"{datetime.fromisoformat(fetched):%a %H:%M}" if fetched else ""
        if self.problem is None:
            return {"source": self.shown, "ok": True, "detail": f"fetched {when}"}
        return {"source": self.shown, "ok": False, "detail": f"{self.problem}; {self._kept()}"}

    def _kept(self) -> str:
        fetched = self.meta.get("fetched")
        if self.body is None or not fetched:
            return "no copy yet"
        return f"using the copy from {datetime.fromisoformat(fetched):%a %H:%M}"

    def _fetch(self) -> bytes | None:
        """The feed's body, or None when it has not changed since the last."""
        if self.source.startswith("/"):
            return self._read_file()
        parts = urlsplit(self.source)
        headers = {"User-Agent": f"microbreak/{__version__}", "Accept": "text/calendar"}
        if self.body is not None and self.meta.get("etag"):
            headers["If-None-Match"] = self.meta["etag"]
        if self.body is not None and self.meta.get("modified"):
            headers["If-Modified-Since"] = self.meta["modified"]
        if parts.username is not None:  # user:password@ goes as Basic, not in the address
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
            parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
        request = urllib.request.Request(urlunsplit(parts), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                body = response.read(MAX_FEED + 1)
                etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return None
            raise FetchError(f"cannot fetch it (HTTP {exc.code} {exc.reason})") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"cannot fetch it ({reason})") from None
        if len(body) > MAX_FEED:
            raise FetchError(f"it is larger than {MAX_FEED // 2**20} MiB")
        self.meta.update(etag=etag, modified=modified)
        return body

    def _read_file(self) -> bytes | None:
        try:
            with open(self.source, "rb") as file:
                stamp = str(os.fstat(file.fileno()).st_mtime_ns)
                if self.body is not None and stamp == self.meta.get("modified"):
                    return None
                body = file.read(MAX_FEED + 1)
        except OSError as exc:
            raise FetchError(f"cannot read it ({exc.strerror or exc})") from None
        if len(body) > MAX_FEED:
            raise FetchError(f"it is larger than {MAX_FEED // 2**20} MiB")
        self.meta.update(modified=stamp, etag=None)
        return body

    def _keep(self) -> None:
        """The good copy on disk, for the next start (a failure to write is logged)."""
        try:
            self._body_file.parent.mkdir(parents=True, exist_ok=True)
            self._body_file.write_bytes(self.body or b"")
        except OSError as exc:
            log.warning("calendar %s: cannot keep a copy (%s)", self.shown, exc.strerror or exc)
        self._keep_meta()

    def _keep_meta(self) -> None:
        with contextlib.suppress(OSError):
            self._meta_file.parent.mkdir(parents=True, exist_ok=True)
            self._meta_file.write_text(json.dumps(self.meta))
