"""SMS settings: each provider names what it lacks; an empty provider means no SMS channel."""

from __future__ import annotations

import pytest

from tocsin.settings import SettingsError, load_settings


def test_an_empty_provider_is_no_sms_channel() -> None:
    assert load_settings(_env_file=None, sms_provider="").sms_provider is None


@pytest.mark.parametrize(
    ("provider", "missing"),
    [
        (
            "twilio",
            "TOCSIN_SMS_ACCOUNT_SID, TOCSIN_SMS_AUTH_TOKEN, TOCSIN_SMS_SENDER, TOCSIN_PUBLIC_URL",
        ),
        ("africastalking", "TOCSIN_SMS_USERNAME, TOCSIN_SMS_API_KEY, TOCSIN_SMS_WEBHOOK_SECRET"),
        ("http", "TOCSIN_SMS_WEBHOOK_SECRET"),
    ],
)
def test_each_provider_names_what_it_lacks(provider: str, missing: str) -> None:
    with pytest.raises(SettingsError, match=missing):
        load_settings(_env_file=None, sms_provider=provider)


def test_an_unknown_provider_is_refused_in_one_line() -> None:
    with pytest.raises(SettingsError, match="TOCSIN_SMS_PROVIDER"):
        load_settings(_env_file=None, sms_provider="nexmo")
