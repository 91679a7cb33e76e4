"""Every log record goes through the redacting filter, tracebacks and database errors
included; the operator's own configuration is not masked."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.crypto import Keyring
from reports.models import InboundItem
from tocsin.logs import configure_logging, operator_values
from tocsin.settings import Settings

WAMID = "wamid.HBgLMjI5NzY1NDMyMTAVAgASGBQzQTdCNjQ5RjA4QjE0NUM0RkE5MwA="


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The root logger as `tocsin` configures it, writing to a buffer; restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("INFO", keep=operator_values(Settings(_env_file=None)), stream=buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_forced_database_error_logs_neither_message_id_nor_pseudonym(
    database: AsyncEngine, keyring: Keyring, log_output: io.StringIO
) -> None:
    pseudonym = keyring.pseudonym("whatsapp", "22376543210")
    row = {
        "channel": "whatsapp",
        "external_id": WAMID,
        "sender_key": pseudonym,
        "payload_enc": b"sealed",
        "status": "pending",
        "attempts": 0,
    }
    async with database.begin() as connection:
        await connection.execute(insert(InboundItem), row)
    try:
        async with database.begin() as connection:
            await connection.execute(insert(InboundItem), row)  # the same wamid again
    except IntegrityError:
        logging.getLogger("bot.inbox").exception("inbox item not stored")
    logged = log_output.getvalue()
    assert "inbox item not stored" in logged and "IntegrityError" in logged
    assert "Traceback" in logged  # the traceback is there, masked
    assert WAMID not in logged and "HBgLMjI5" not in logged
    assert pseudonym not in logged


def test_a_traceback_is_masked_like_the_message(log_output: io.StringIO) -> None:
    try:
        raise ValueError("no session for +223 76 54 32 10 at 14.4843,-4.1827")
    except ValueError:
        logging.getLogger("bot.engine").exception("turn failed channel=whatsapp")
    logged = log_output.getvalue()
    assert "turn failed channel=whatsapp" in logged and "ValueError" in logged
    assert "76 54 32 10" not in logged and "14.4843" not in logged


def test_a_stack_is_masked_like_the_message(log_output: io.StringIO) -> None:
    logging.getLogger("x").warning("odd state", stack_info=True)  # from +22376543210
    logged = log_output.getvalue()
    assert "Stack (most recent call last)" in logged and "odd state" in logged
    assert "22376543210" not in logged


def test_the_listen_address_of_the_operator_is_not_masked() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    settings = Settings(_env_file=None, http_host="192.168.100.200", http_port=8080)
    try:
        configure_logging("INFO", keep=operator_values(settings), stream=buffer)
        logging.getLogger("tocsin.commands.run").info(
            "serving on %s port %s with %d components", settings.http_host, 8080, 3
        )
        logging.getLogger("x").info("reporter +22376543210 near 192.168.100.201")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    lines = buffer.getvalue().splitlines()
    assert lines[0].endswith("serving on 192.168.100.200 port 8080 with 3 components")
    assert "22376543210" not in lines[1] and "192.168.100.201" not in lines[1]
