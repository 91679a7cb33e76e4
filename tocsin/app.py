"""Composition of the packages into one running application.

The only place that knows how settings turn into a database engine, keys, the NLU, session
storage and the conversation engine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

import bot.channels.sms_erasure
import bot.channels.whatsapp_erasure  # noqa: F401  (registers what erasure does to its tables)
import escalation.erasure  # noqa: F401  (registers what erasure does to its tables)
from bot.channels import ChannelSender, StaffGateway
from bot.engine import ConversationEngine, EngineServices
from bot.inbox import Handler as InboxHandler
from bot.inbox import Inbox
from bot.monitors import install as install_monitors
from bot.sessions import RedisSessionStore, SessionStore, SqlSessionStore
from bot.turn_records import TurnRecords
from nlu import Nlu
from reports.clock import Clock, SystemClock
from reports.crypto import Keyring
from reports.database import create_engine, upgrade_schema
from reports.keys import KeyError_, build_keyring
from reports.outbound import OutboundLog
from reports.storage import ReportStore
from tocsin.settings import Settings, SettingsError

log = logging.getLogger(__name__)
NLU_LANGUAGES = ("en", "fr", "ar", "es", "pt", "sw")


@dataclass
class App:
    settings: Settings
    database: AsyncEngine
    keyring: Keyring
    store: ReportStore
    nlu: Nlu
    sessions: SessionStore
    conversation: ConversationEngine
    inbox: Inbox | None = None
    # channel name -> handler of its inbox items, registered by channel components
    inbox_handlers: dict[str, InboxHandler] = field(default_factory=dict)
    # channel name -> answers an item that could not be read (before it is parked)
    inbox_apologies: dict[str, InboxHandler] = field(default_factory=dict)
    redis: Any = None
    # channel name -> sender for messages nobody just asked for (relays, staff pings)
    senders: dict[str, ChannelSender] = field(default_factory=dict)
    # set by the escalation component; channels hand staff-chat actions to it
    staff_gateway: StaffGateway | None = None
    # the aiogram client of the Telegram token, set by the Telegram channel and shared with
    # the escalation worker's staff pings (one client per token)
    telegram_bot: Any = None
    telegram_limiter: Any = None  # the channel's, shared with staff pings
    # the record of each turn's outcome and the outbound table its replies leave from
    turns: TurnRecords | None = None
    # the one clock of the process: storage stamps rows and escalation decides by it
    clock: Clock = field(default_factory=SystemClock)

    async def close(self) -> None:
        await self.sessions.close()
        await self.nlu.aclose()
        await self.database.dispose()


def load_keyring(settings: Settings) -> Keyring:
    try:
        return build_keyring(settings.secret_key, settings.key_file)
    except KeyError_ as error:
        raise SettingsError(str(error)) from None


def build_nlu(settings: Settings) -> Nlu:
    languages = list(dict.fromkeys([*settings.languages, *NLU_LANGUAGES]))
    return Nlu(
        languages=languages,
        countries=settings.countries or None,
        cache_dir=settings.resolved_cache_dir,
        rasa_url=settings.rasa_url,
        extra_gazetteer=settings.extra_gazetteer,
        gazetteer_dir=settings.resolved_gazetteer_dir,
    )


class DeferredNlu:
    """The NLU, built the first time something asks it a question.

    The staff desk alone (`tocsin web`, possibly several processes) reads no story, so loading
    the classifier and the gazetteer in each of its processes would only cost memory and
    start-up time; should a desk action ever need the NLU, it is built then, once."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._nlu: Nlu | None = None

    def __getattr__(self, name: str) -> Any:
        if self._nlu is None:
            self._nlu = build_nlu(self._settings)
        return getattr(self._nlu, name)

    async def aclose(self) -> None:
        if self._nlu is not None:
            await self._nlu.aclose()


REDIS_CONNECTIONS = 64


async def connect_redis(url: str) -> Any:
    from redis.asyncio import BlockingConnectionPool, Redis

    # A blocking pool: under a burst, callers wait for a free connection instead of failing
    # with "Too many connections" (the plain pool's behaviour once its cap is reached).
    pool = BlockingConnectionPool.from_url(url, max_connections=REDIS_CONNECTIONS, timeout=30)
    client = Redis(connection_pool=pool)
    try:
        await client.ping()
    except Exception as error:
        raise SettingsError(
            f"TOCSIN_REDIS_URL: cannot reach Redis ({type(error).__name__})"
        ) from None
    return client


async def build_app(
    settings: Settings,
    *,
    migrate: bool = True,
    nlu: Nlu | None = None,
    clock: Clock | None = None,
) -> App:
    """Everything a channel needs to talk to people; the schema is brought up to date.

    `clock` is the time of the whole process (the system clock unless a test sets one)."""
    clock = clock or SystemClock()
    keyring = load_keyring(settings)
    if migrate:
        try:
            await upgrade_schema(settings.database_url)
        except OSError as error:
            raise SettingsError(
                f"TOCSIN_DATABASE_URL: cannot reach the database ({error})"
            ) from None
    database = create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        pool_overflow=settings.database_pool_overflow,
    )
    store = ReportStore(database, keyring, clock)
    redis = None
    sessions: SessionStore
    if settings.redis_url:
        redis = await connect_redis(settings.redis_url)
        sessions = RedisSessionStore(redis, keyring, settings.session_ttl_seconds)
    else:
        sessions = SqlSessionStore(database, keyring, settings.session_ttl_seconds)
    nlu = nlu or build_nlu(settings)
    services = EngineServices(
        settings=settings, nlu=nlu, store=store, keyring=keyring, sessions=sessions
    )
    install_monitors(services)
    return App(
        settings=settings,
        database=database,
        keyring=keyring,
        store=store,
        nlu=nlu,
        sessions=sessions,
        conversation=ConversationEngine(services),
        inbox=Inbox(database, keyring, redis),
        redis=redis,
        turns=TurnRecords(database, keyring, OutboundLog(database, keyring), sessions),
        clock=clock,
    )
