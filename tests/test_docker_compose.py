"""docker-compose.yml stays true to the settings and the command line (no engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tocsin.cli import build_parser
from tocsin.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def tocsin_services() -> dict[str, dict]:
    return {
        name: service
        for name, service in COMPOSE["services"].items()
        if service.get("command", [None])[0] == "tocsin"
    }


def test_stack_has_bot_worker_postgres_and_redis() -> None:
    assert {"bot", "worker", "postgres", "redis"} <= set(COMPOSE["services"])
    assert tocsin_services()["bot"]["command"] == ["tocsin", "run"]
    assert tocsin_services()["worker"]["command"] == ["tocsin", "worker"]


def test_every_command_is_a_real_tocsin_command() -> None:
    parser = build_parser()
    for service in tocsin_services().values():
        parser.parse_args(service["command"][1:])  # exits on an unknown command


def test_every_variable_is_a_setting_and_valid() -> None:
    fields = {f"TOCSIN_{name.upper()}" for name in Settings.model_fields}
    for name, service in tocsin_services().items():
        environment = service["environment"]
        unknown = set(environment) - fields
        assert not unknown, f"{name} sets unknown variables {unknown}"
        resolved = {
            key.removeprefix("TOCSIN_").lower(): re.sub(
                r"\$\{(\w+)(?::?[-?][^}]*)?\}",
                lambda m: {"TOCSIN_SECRET_KEY": "compose-secret-key-0123456789"}.get(m[1], ""),
                str(value),
            )
            for key, value in environment.items()
        }
        resolved = {key: value for key, value in resolved.items() if value != ""}
        settings = Settings(_env_file=None, **resolved)
        assert settings.database_url.startswith("postgresql+asyncpg://")
        assert "@postgres:5432/" in settings.database_url
        assert settings.redis_url == "redis://redis:6379/0"


def test_database_credentials_match_the_postgres_service() -> None:
    postgres = COMPOSE["services"]["postgres"]["environment"]
    url = tocsin_services()["bot"]["environment"]["TOCSIN_DATABASE_URL"]
    assert f"//{postgres['POSTGRES_USER']}:" in url
    assert url.endswith(f"/{postgres['POSTGRES_DB']}")


def test_bot_port_matches_the_published_port() -> None:
    bot = tocsin_services()["bot"]
    port = bot["environment"]["TOCSIN_HTTP_PORT"]
    assert any(mapping.endswith(f":{port}") for mapping in bot["ports"])
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])


def test_the_rasa_service_serves_the_version_the_script_builds_on_the_documented_url() -> None:
    rasa = COMPOSE["services"]["rasa"]
    version = re.search(r"^RASA_VERSION=(\S+)$", (ROOT / "scripts" / "rasa.sh").read_text(), re.M)
    assert version is not None
    assert rasa["image"] == f"rasa/rasa:{version[1]}-full"
    script = " ".join(rasa["command"])
    assert "rasa run --enable-api" in script and "--port 5005" in script
    assert "TOCSIN_RASA_URL=http://rasa:5005" in (ROOT / "README.md").read_text()
    assert "TOCSIN_RASA_URL" in tocsin_services()["bot"]["environment"]
    Settings(_env_file=None, rasa_url="http://rasa:5005")


def test_rasa_trains_on_what_tocsin_exports() -> None:
    export = tocsin_services()["rasa-export"]
    target = export["command"][export["command"].index("export-rasa") + 1]
    assert build_parser().parse_args(export["command"][1:]).nlu_command == "export-rasa"
    project_volume = next(v for v in export["volumes"] if v.endswith(f":{target}")).split(":")[0]
    rasa = COMPOSE["services"]["rasa"]
    assert f"{project_volume}:{rasa['working_dir']}" in rasa["volumes"]
    assert rasa["depends_on"]["rasa-export"]["condition"] == "service_completed_successfully"


def test_the_image_copies_every_package_it_installs() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    packages = re.search(r"^include = \[(.*)\]$", pyproject, re.M)
    assert packages is not None
    names = {name.strip(' "*') for name in packages[1].split(",")}
    dockerfile = (ROOT / "Dockerfile").read_text()
    missing = {name for name in names if f"COPY {name} {name}" not in dockerfile}
    assert not missing, f"the Dockerfile does not copy {missing}"
