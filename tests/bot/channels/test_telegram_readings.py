"""An update read at the webhook is not read again by the handler of the same process."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.channels.telegram import Readings
from bot.channels.telegram_updates import Reading, Route
from bot.inbox import InboxItem

WHEN = datetime(2026, 12, 5, tzinfo=UTC)


def item(external_id: str, payload: bytes) -> InboxItem:
    return InboxItem(1, "telegram", external_id, "sender", payload, 1, WHEN)


def reading(raw: bytes) -> Reading:
    return Reading(raw, {"update_id": 7}, Route("person", 7, "42"))


def test_the_handler_takes_the_reading_of_the_very_bytes_accepted() -> None:
    readings = Readings()
    raw = b'{"update_id":7}'
    kept = reading(raw)
    readings.keep("7", kept)
    assert readings.take(item("7", raw)) is kept
    assert readings.take(item("7", raw)) is None  # taken once


def test_other_bytes_under_the_same_id_are_read_again() -> None:
    readings = Readings()
    readings.keep("7", reading(b'{"update_id":7}'))
    assert readings.take(item("7", bytes(bytearray(b'{"update_id":7}')))) is None


def test_readings_left_behind_are_dropped_oldest_first() -> None:
    readings = Readings(limit=2)
    raws = [f'{{"update_id":{n}}}'.encode() for n in range(3)]
    for number, raw in enumerate(raws):
        readings.keep(str(number), reading(raw))
    assert readings.take(item("0", raws[0])) is None
    assert readings.take(item("2", raws[2])) is not None
    readings.forget("1")
    assert readings.take(item("1", raws[1])) is None
