"""Settings: the contract's names and defaults, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from tocsin.settings import Settings, SettingsError, load_settings


def test_embedded_defaults_match_the_interface_contract() -> None:
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///tocsin.db"
    assert settings.redis_url is None
    assert settings.default_language == "en"
    assert settings.countries == []
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.whatsapp_graph_url == "https://graph.facebook.com/v21.0"
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)


def test_comma_lists_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_COUNTRIES", "ml, bf,NE")
    monkeypatch.setenv("TOCSIN_STAFF_TELEGRAM_CHATS", "-1001,-1002")
    settings = load_settings(_env_file=None)
    assert settings.countries == ["ML", "BF", "NE"]
    assert settings.staff_telegram_chats == ["-1001", "-1002"]


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("TOCSIN_HTTP_PORT", "eighty", "TOCSIN_HTTP_PORT"),
        ("TOCSIN_DATABASE_URL", "mysql://localhost/x", "TOCSIN_DATABASE_URL"),
        ("TOCSIN_COUNTRIES", "Mali", "TOCSIN_COUNTRIES"),
        ("TOCSIN_DEFAULT_LANGUAGE", "de", "TOCSIN_DEFAULT_LANGUAGE"),
        ("TOCSIN_TELEGRAM_WEBHOOK_URL", "https://x.example/hook", "TOCSIN_TELEGRAM_WEBHOOK_SECRET"),
        ("TOCSIN_WHATSAPP_TOKEN", "token", "TOCSIN_WHATSAPP_APP_SECRET"),
        ("TOCSIN_LOG_LEVEL", "LOUD", "TOCSIN_LOG_LEVEL"),
        ("TOCSIN_LANGUAGES", "en,zz", "TOCSIN_LANGUAGES"),
        ("TOCSIN_COUNTRIES", "ML,XX", "TOCSIN_COUNTRIES"),
    ],
)
def test_invalid_setting_names_itself(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    message = str(error.value)
    assert named in message
    assert "\n" not in message


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("TOCSIN_DEFAULT_LANGUAGE=fr\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().default_language == "fr"


def test_a_language_without_a_catalogue_is_refused_naming_what_is_shipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOCSIN_LANGUAGES", "en,zz")
    with pytest.raises(SettingsError, match=r"TOCSIN_LANGUAGES: no catalogue for zz \(shipped: "):
        load_settings(_env_file=None)


def test_log_levels_are_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_LOG_LEVEL", "warning")
    assert load_settings(_env_file=None).log_level == "WARNING"
