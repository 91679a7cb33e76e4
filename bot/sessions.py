"""Conversation state between messages, per pseudonymous sender.

Three stores share one interface: in process (tests, one-off runs), in the database (the
embedded default: a restart resumes a half-told report) and Redis (several bot replicas). Each
offers a per-sender lock so that two messages of one person, even arriving at two replicas,
are handled one after the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.draft import Draft
from reports.crypto import Keyring

LOCK_PREFIX = "tocsin:lock:session:"
_owner: tuple[int, str] = (0, "")


def lock_owner() -> str:
    """This process's name in its lock tokens (host:pid:start), read from /proc once per
    process rather than on every turn (a forked child reads its own)."""
    global _owner
    pid = os.getpid()
    if _owner[0] != pid:
        from bot.inbox import worker_name

        _owner = (pid, worker_name())
    return _owner[1]


@dataclass
class Session:
    """Where one person is in the conversation, and the report they are telling."""

    pseudonym: str
    language: str | None = None
    language_explicit: bool = False
    step: str | None = None
    mode: str | None = None  # a sub-state of the step (e.g. "pick" after "No" on a confirmation)
    pending_choices: list[str] = field(default_factory=list)
    draft: Draft = field(default_factory=Draft)
    answered: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    failed_attempts: int = 0
    updated_at: float = field(default_factory=time.time)
    # ids of the last messages handled, so a redelivered message is not answered twice
    recent_message_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.draft, Draft):  # its saved (JSON) form
            self.draft = Draft.from_dict(self.draft)

    def to_json(self) -> bytes:
        # vars(), not dataclasses.asdict: asdict deep-copies the draft on every save
        state = dict(vars(self))
        state["draft"] = self.draft.to_dict()
        return json.dumps(state, separators=(",", ":"), default=str).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Session:
        return cls(**json.loads(raw))

    def reset_report(self) -> None:
        """Forget the report in progress; keep the language."""
        self.step = None
        self.mode = None
        self.pending_choices = []
        self.draft = Draft()
        self.answered = []
        self.context = {}
        self.failed_attempts = 0


class Held:
    """A sender's session read under their lock. A save or a delete asked for here is written
    when the lock is let go, so a store that can do both at once (Redis: one script) spends
    one round trip on the turn's end instead of two; nothing is written when the turn raised."""

    def __init__(self, pseudonym: str, session: Session | None) -> None:
        self.pseudonym = pseudonym
        self.session = session
        self.pending: tuple[str, Session | None] | None = None

    def save(self, session: Session) -> None:
        self.pending = ("save", session)

    def delete(self) -> None:
        self.pending = ("delete", None)

    async def write(self, store: SessionStore) -> None:
        """The pending change, through the store's own save/delete."""
        if self.pending is None:
            return
        action, session = self.pending
        if action == "save" and session is not None:
            await store.save(session)
        elif action == "delete":
            await store.delete(self.pseudonym)


@asynccontextmanager
async def hold_by_parts(store: SessionStore, pseudonym: str) -> AsyncIterator[Held]:
    """`hold` for stores whose lock is in this process: lock, load, and on the way out write."""
    async with store.lock(pseudonym):
        held = Held(pseudonym, await store.load(pseudonym))
        yield held
        await held.write(store)


class SessionStore(Protocol):
    async def load(self, pseudonym: str) -> Session | None: ...

    async def save(self, session: Session) -> None: ...

    async def delete(self, pseudonym: str) -> None: ...

    def lock(self, pseudonym: str) -> Any:
        """An async context manager serialising the handling of one sender's messages."""
        ...

    def hold(self, pseudonym: str) -> Any:
        """An async context manager: the lock, with the session read (a `Held`); the change
        asked for on it is written before the lock is let go."""
        ...

    async def close(self) -> None: ...


class _LocalLocks:
    """Per-key asyncio locks, dropped when nobody holds or waits for them."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class MemorySessionStore:
    """In-process sessions with expiry: nothing survives the process."""

    def __init__(self, ttl_seconds: int) -> None:
        self.ttl_seconds = ttl_seconds
        self._sessions: dict[str, bytes] = {}
        self._expiry: dict[str, float] = {}
        self._locks = _LocalLocks()

    async def load(self, pseudonym: str) -> Session | None:
        expires = self._expiry.get(pseudonym)
        if expires is None or expires < time.time():
            self._sessions.pop(pseudonym, None)
            self._expiry.pop(pseudonym, None)
            return None
        return Session.from_json(self._sessions[pseudonym])

    async def save(self, session: Session) -> None:
        self._sessions[session.pseudonym] = session.to_json()
        self._expiry[session.pseudonym] = time.time() + self.ttl_seconds

    async def delete(self, pseudonym: str) -> None:
        self._sessions.pop(pseudonym, None)
        self._expiry.pop(pseudonym, None)

    def lock(self, pseudonym: str) -> Any:
        return self._locks.hold(pseudonym)

    def hold(self, pseudonym: str) -> Any:
        return hold_by_parts(self, pseudonym)

    def __len__(self) -> int:
        return len(self._sessions)

    async def close(self) -> None:
        return None


class SqlSessionStore:
    """Sessions sealed in the `conversation_sessions` table (the embedded default)."""

    def __init__(self, engine: Any, keyring: Keyring, ttl_seconds: int) -> None:
        from reports.database import session_factory

        self._db = session_factory(engine)
        self._keyring = keyring
        self.ttl_seconds = ttl_seconds
        self._locks = _LocalLocks()

    async def load(self, pseudonym: str) -> Session | None:
        from reports.models import ConversationSession

        async with self._db() as db:
            row = await db.get(ConversationSession, pseudonym)
            if row is None:
                return None
            expires = row.expires_at
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=UTC)
            if expires < datetime.now(UTC):
                return None
            return Session.from_json(self._keyring.decrypt(row.state_enc, context=b"session"))

    async def save(self, session: Session) -> None:
        from reports.models import ConversationSession

        sealed = self._keyring.encrypt(session.to_json(), context=b"session")
        expires = datetime.now(UTC) + timedelta(seconds=self.ttl_seconds)
        async with self._db() as db, db.begin():
            await db.merge(
                ConversationSession(
                    pseudonym=session.pseudonym, state_enc=sealed, expires_at=expires
                )
            )

    async def delete(self, pseudonym: str) -> None:
        from reports.models import ConversationSession

        async with self._db() as db, db.begin():
            await db.execute(
                ConversationSession.__table__.delete().where(
                    ConversationSession.pseudonym == pseudonym
                )
            )

    def lock(self, pseudonym: str) -> Any:
        return self._locks.hold(pseudonym)

    def hold(self, pseudonym: str) -> Any:
        return hold_by_parts(self, pseudonym)

    async def close(self) -> None:
        return None


# KEYS: the lock, the session. ARGV: token, lock expiry (ms). {1, sealed session or nil} when
# the lock was free (and is now this token's), {0} when someone holds it.
_TAKE_AND_READ = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('get', KEYS[2])}
end
return {0}
"""
# KEYS: the lock, the session. ARGV: token, keep|save|delete, sealed session, ttl (s). The
# session is written as `save` always wrote it; the lock is deleted only by its owner's token
# (as redis-py's release script does), so a lock that expired and was taken by another turn
# stays theirs.
_WRITE_AND_RELEASE = """
if ARGV[2] == 'save' then
  redis.call('set', KEYS[2], ARGV[3], 'EX', ARGV[4])
elseif ARGV[2] == 'delete' then
  redis.call('del', KEYS[2])
end
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisSessionStore:
    """Sealed sessions in Redis with a TTL, and a Redis lock per sender across replicas."""

    LOCK_SECONDS = 30
    LOCK_POLL_SECONDS = 0.1  # redis-py's lock polls at this pace too

    def __init__(self, redis: Any, keyring: Keyring, ttl_seconds: int) -> None:
        self._redis = redis
        self._keyring = keyring
        self.ttl_seconds = ttl_seconds
        self._take_script = redis.register_script(_TAKE_AND_READ)
        self._give_back_script = redis.register_script(_WRITE_AND_RELEASE)

    @staticmethod
    def _key(pseudonym: str) -> str:
        return f"tocsin:session:{pseudonym}"

    async def load(self, pseudonym: str) -> Session | None:
        raw = await self._redis.get(self._key(pseudonym))
        if raw is None:
            return None
        return Session.from_json(self._keyring.decrypt(raw, context=b"session"))

    async def save(self, session: Session) -> None:
        sealed = self._keyring.encrypt(session.to_json(), context=b"session")
        await self._redis.set(self._key(session.pseudonym), sealed, ex=self.ttl_seconds)

    async def delete(self, pseudonym: str) -> None:
        await self._redis.delete(self._key(pseudonym))

    def lock(self, pseudonym: str) -> Any:
        return self._hold(f"{LOCK_PREFIX}{pseudonym}")

    def hold(self, pseudonym: str) -> Any:
        return self._hold_and_read(pseudonym)

    @asynccontextmanager
    async def _hold_and_read(self, pseudonym: str) -> AsyncIterator[Held]:
        """The same lock as `lock` (same key, same token, same expiry, polled as redis-py's
        lock polls), taken and the session read in one script; the change and the release
        (only by the token's owner) in one more. Two round trips per turn instead of four."""
        from redis.exceptions import LockError

        lock_key, key = f"{LOCK_PREFIX}{pseudonym}", self._key(pseudonym)
        token = f"{lock_owner()}:{uuid.uuid4().hex}"
        deadline = time.monotonic() + self.LOCK_SECONDS
        while True:
            taken, *raw = await self._take_script(
                keys=[lock_key, key], args=[token, self.LOCK_SECONDS * 1000]
            )
            if taken:
                break
            if time.monotonic() >= deadline:
                raise LockError(f"session lock not acquired in {self.LOCK_SECONDS} s")
            await asyncio.sleep(self.LOCK_POLL_SECONDS)
        sealed = raw[0] if raw else None
        session = (
            None
            if sealed is None
            else Session.from_json(self._keyring.decrypt(sealed, context=b"session"))
        )
        held = Held(pseudonym, session)
        action, value = "keep", b""
        try:
            yield held
            if held.pending is not None:
                action, changed = held.pending
                if action == "save" and changed is not None:
                    value = self._keyring.encrypt(changed.to_json(), context=b"session")
        finally:
            await self._give_back_script(
                keys=[lock_key, key], args=[token, action, value, self.ttl_seconds]
            )

    @asynccontextmanager
    async def _hold(self, key: str) -> AsyncIterator[None]:
        """The Redis lock, its token naming this process (host:pid:start), so that a
        restarted process can free at once the locks its dead predecessor held."""
        from redis.exceptions import LockError

        lock = self._redis.lock(key, timeout=self.LOCK_SECONDS, blocking_timeout=self.LOCK_SECONDS)
        if not await lock.acquire(token=f"{lock_owner()}:{uuid.uuid4().hex}"):
            raise LockError(f"session lock not acquired in {self.LOCK_SECONDS} s")
        try:
            yield
        finally:
            with contextlib.suppress(LockError):
                await lock.release()

    async def release_dead_locks(self) -> int:
        """Delete the session locks held by dead processes of this host (after a crash a
        person would otherwise wait out the lock's 30 s)."""
        from bot.inbox import is_dead_here

        freed = 0
        async for key in self._redis.scan_iter(match=f"{LOCK_PREFIX}*", count=1000):
            token = await self._redis.get(key)
            if token is not None and is_dead_here(token.decode(errors="replace")):
                freed += await self._redis.delete(key)
        return freed

    async def close(self) -> None:
        await self._redis.aclose()
