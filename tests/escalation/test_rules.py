"""The rules file: the packaged default, settings substituted, clear errors, matching."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from escalation.loading import RulesError, load_rules, parse_rules
from escalation.rules import AlertFacts, matching_rules, parse_duration
from escalation.units import Unit, UnitRegistry
from tocsin.cli import main
from tocsin.settings import Settings

CONFIDENTIAL_TO_DESK = "- name: c\n    confidential: true"
VAGUE_DELAY = "[{notify: [desk]}, {after: soon, notify: [desk]}]"
MINIMAL = """
targets:
  desk: {telegram: ["-1"]}
rules:
  - name: all-critical
    match: MATCH
    chain: [{notify: [desk]}]
"""


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


def ruleset_with(match: str):
    return parse_rules(MINIMAL.replace("MATCH", match), Path("rules.yml"))


def test_default_rules_ping_the_configured_chats_and_mail_critical_reports() -> None:
    rules = load_rules(
        settings(
            staff_telegram_chats="-1001,-1002",
            staff_emails="desk@example.org",
            smtp_url="smtp://mail.example.org:587",
            staff_telegram_users="7,8",
        )
    )
    critical = matching_rules(rules, AlertFacts("incident", "killing", "critical"))
    assert [rule.name for rule in critical] == ["critical"]
    assert rules.step_targets(critical[0], 0) == [
        "telegram:-1001",
        "telegram:-1002",
        "email:desk@example.org",
    ]
    high = matching_rules(rules, AlertFacts("incident", "arbitrary_detention", "high"))
    assert rules.step_targets(high[0], 0) == ["telegram:-1001", "telegram:-1002"]
    assert rules.smtp.url == "smtp://mail.example.org:587"
    assert rules.staff_telegram_users == ["7", "8"]
    confidential = rules.targets["confidential"]
    assert confidential.email == ["desk@example.org"], "falls back to the staff e-mails"


def test_confidential_targets_and_sender_come_from_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set in `.env` (not only in the environment), like every other setting."""
    for name in ("TOCSIN_CONFIDENTIAL_EMAILS", "TOCSIN_CONFIDENTIAL_TELEGRAM_CHATS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TOCSIN_SMTP_SENDER", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(
        "TOCSIN_STAFF_EMAILS=desk@example.org\n"
        "TOCSIN_CONFIDENTIAL_EMAILS=protection@example.org,legal@example.org\n"
        "TOCSIN_CONFIDENTIAL_TELEGRAM_CHATS=-1009\n"
        "TOCSIN_SMTP_SENDER=alerts@example.org\n"
    )
    rules = load_rules(Settings(_env_file=env_file))
    confidential = rules.targets["confidential"]
    assert confidential.email == ["protection@example.org", "legal@example.org"]
    assert confidential.telegram == ["-1009"]
    assert rules.smtp.sender == "alerts@example.org"


def test_default_rules_load_on_a_bare_deployment() -> None:
    rules = load_rules(settings())
    assert rules.targets["desk"].telegram == [] and rules.smtp.url == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("targets: {}\nrules: []", "rules: List should have at least 1 item"),
        (
            MINIMAL.replace("MATCH", "{severity: [urgent]}"),
            "rules[0].match.severity: unknown 'urgent'",
        ),
        (MINIMAL.replace("MATCH", "{categories: [riot]}"), "unknown 'riot'"),
        (MINIMAL.replace("[desk]", "[nobody]").replace("MATCH", "{}"), "unknown target 'nobody'"),
        (MINIMAL.replace("MATCH", "{severty: [high]}"), "rules[0].match.severty: Extra inputs"),
        (
            MINIMAL.replace("MATCH", "{}").replace(
                "- name: all-critical", "- name: c\n    confidential: true"
            ),
            "rule c is confidential but target 'desk' is not",
        ),
        (
            MINIMAL.replace("MATCH", "{}").replace(
                "[{notify: [desk]}]", "[{notify: [desk]}, {after: soon, notify: [desk]}]"
            ),
            "not a duration",
        ),
        ("rules: [", "not valid YAML"),
    ],
)
def test_a_faulty_rules_file_is_refused_with_a_line_naming_the_fault(
    text: str, message: str
) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, Path("site-rules.yml"))
    assert "site-rules.yml" in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("match", "facts", "expected"),
    [
        ("{bbox: [-5, 14, -3, 15]}", {"lat": 14.5, "lon": -4.2}, True),
        ("{bbox: [-5, 14, -3, 15]}", {"lat": 12.6, "lon": -8.0}, False),
        ("{bbox: [-5, 14, -3, 15]}", {}, False),
        ("{admin_areas: [mopti]}", {"admin_area": "Mopti"}, True),
        ("{countries: [ml, bf]}", {"country": "BF"}, True),
        ("{countries: [ML]}", {"country": "NE"}, False),
        ("{perpetrators: [police]}", {"perpetrator": "army"}, False),
        ("{reporter_roles: [monitor]}", {"reporter_role": "monitor"}, True),
        ("{immediate_danger: true}", {"immediate_danger": None}, False),
        ("{min_cluster_size: 3}", {"cluster_size": 3}, True),
        ("{min_severity: high}", {"severity": "medium"}, False),
        ("{source_reliability: [A, B]}", {"source_reliability": "B"}, True),
        ("{supported_unit: true}", {"supported_unit": "GTIA 8"}, True),
        ("{kind: surge}", {}, False),
    ],
)
def test_rule_matching(match: str, facts: dict, expected: bool) -> None:
    rules = ruleset_with(match)
    alert = AlertFacts(**{"kind": "incident", "category": "killing", "severity": "high", **facts})
    assert bool(matching_rules(rules, alert)) is expected


def test_supported_units_match_names_and_aliases_folded_on_word_boundaries() -> None:
    registry = UnitRegistry(
        (Unit(id="gtia-8", name="GTIA 8", country="ML", aliases=["8e Groupement Tactique"]),)
    )
    assert registry.match("soldats du gtia-8 à Mopti", "ML").id == "gtia-8"
    assert registry.match("le 8E GROUPEMENT TACTIQUE", None).id == "gtia-8"
    assert registry.match("GTIA 81", "ML") is None
    assert registry.match("GTIA 8", "BF") is None, "a unit of another country"


def test_tocsin_worker_check_names_the_faulty_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "rules.yml"
    bad.write_text(MINIMAL.replace("MATCH", "{severity: [urgent]}"))
    monkeypatch.setenv("TOCSIN_ESCALATION_RULES", str(bad))
    assert main(["worker", "--check"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("tocsin: invalid setting TOCSIN_ESCALATION_RULES:")
    assert "rules[0].match.severity: unknown 'urgent'" in error

    monkeypatch.setenv("TOCSIN_ESCALATION_RULES", "")
    for name, value in (
        ("TOCSIN_TELEGRAM_TOKEN", "123456:TEST-token"),
        ("TOCSIN_STAFF_TELEGRAM_CHATS", "-1001"),
        ("TOCSIN_STAFF_EMAILS", "desk@example.org"),
        ("TOCSIN_SMTP_URL", "smtp://127.0.0.1:25"),
    ):
        monkeypatch.setenv(name, value)
    assert main(["worker", "--check"]) == 0
    assert "escalation rules are valid" in capsys.readouterr().out


def test_tocsin_worker_check_fails_when_a_rule_can_reach_nobody(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOCSIN_STAFF_TELEGRAM_CHATS", "-1001")  # no token, no e-mail
    assert main(["worker", "--check"]) == 1
    error = capsys.readouterr().err
    assert "rule high reaches nobody: TOCSIN_TELEGRAM_TOKEN is not set" in error
    assert "rule confidential reaches nobody: its targets (confidential) are empty" in error
    assert "escalation rules are valid" not in error


def test_one_duration_reading_serves_the_rules_and_the_invites() -> None:
    from tocsin.commands.monitors import parse_duration as invite_duration

    for text, seconds in (("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), ("2w", 1209600)):
        assert parse_duration(text) == timedelta(seconds=seconds)
        assert invite_duration(text) == timedelta(seconds=seconds)


def test_an_old_rules_file_with_its_own_telegram_rate_still_loads_and_is_told_it_is_ignored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Telegram's rate is one setting now (replies and pings share one limiter)."""
    old = MINIMAL.replace("MATCH", "{}") + (
        "delivery: {max_attempts: 3, telegram_per_second: 25, telegram_per_chat_per_minute: 20}\n"
    )
    with caplog.at_level("WARNING", logger="escalation.rules"):
        rules = parse_rules(old, Path("rules.yml"))
    assert rules.delivery.max_attempts == 3
    assert not hasattr(rules.delivery, "telegram_per_second")
    assert "delivery.telegram_per_second" in caplog.text
    assert "TOCSIN_TELEGRAM_PER_SECOND" in caplog.text
    with pytest.raises(RulesError, match="Extra inputs"):
        parse_rules(
            MINIMAL.replace("MATCH", "{}") + "delivery: {telegram_per_hour: 1}\n", Path("r")
        )
