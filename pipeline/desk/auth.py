"""Who may use the desk: hashed passwords, signed sessions, CSRF tokens.

* Passwords are kept only as scrypt hashes (``hashlib.scrypt``, n=2¹⁴, r=8, p=1, a 16-byte salt):
  ``scrypt$16384$8$1$<salt>$<hash>``, made by ``directives desk hash-password``.
* A session is a cookie holding the user and a CSRF token, signed with HMAC-SHA256 under the
  desk's key and dated: it cannot be forged or altered, and it expires (``desk_session_hours``).
* Every form carries the session's CSRF token; a POST without the right one is refused, so a
  page elsewhere cannot make a signed-in clerk's browser confirm a record.

With no users configured (allowed on 127.0.0.1 only, see ``directives desk``) there is no sign-in:
the session is still made, with the name of the account running the desk as the user, so CSRF
tokens and the "who confirmed" record work the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_COOKIE = "desk_session"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The hash to put in ``desk_users`` for ``password``."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, hashed: str) -> bool:
    """True when ``password`` is the one ``hashed`` was made from (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = hashed.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        got = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected), maxmem=2**26
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def session_key(configured: str | None, key_file: Path) -> bytes:
    """The key that signs sessions: the configured ``desk_secret``, else one made once and kept in
    ``key_file`` (mode 0600), so sessions survive a restart of the desk."""
    if configured:
        return configured.encode()
    if key_file.is_file():
        return key_file.read_bytes().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32).encode()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


@dataclass(frozen=True)
class Session:
    """Who is at the desk (None: not signed in) and the CSRF token of their forms."""

    user: str | None
    csrf: str
    issued: float


class Signer:
    """Signs and checks session cookies and calendar-feed tokens with one key."""

    def __init__(self, key: bytes, max_age_seconds: float) -> None:
        self.key = key
        self.max_age = max_age_seconds

    def _mac(self, payload: bytes) -> str:
        return _b64(hmac.new(self.key, payload, hashlib.sha256).digest())

    def dumps(self, session: Session) -> str:
        payload = _b64(json.dumps({"u": session.user, "c": session.csrf, "t": session.issued}).encode())
        return f"{payload}.{self._mac(payload.encode())}"

    def loads(self, cookie: str | None, *, now: float | None = None) -> Session | None:
        """The session in ``cookie``, or None when it is missing, altered or expired."""
        if not cookie or "." not in cookie:
            return None
        payload, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(payload.encode())):
            return None
        try:
            data = json.loads(_unb64(payload))
            session = Session(data["u"], str(data["c"]), float(data["t"]))
        except (ValueError, KeyError, TypeError):
            return None
        if (now or time.time()) - session.issued > self.max_age:
            return None
        return session

    def feed_token(self, user: str) -> str:
        """A token for one user's calendar feed: calendar programs cannot sign in."""
        return self._mac(f"ics:{user}".encode())[:32]

    def feed_user(self, token: str, users: set[str]) -> str | None:
        return next((u for u in sorted(users) if hmac.compare_digest(token, self.feed_token(u))), None)


def new_session(user: str | None) -> Session:
    return Session(user, secrets.token_urlsafe(24), time.time())


def csrf_ok(session: Session | None, token: str | None) -> bool:
    return session is not None and token is not None and hmac.compare_digest(session.csrf, token)
