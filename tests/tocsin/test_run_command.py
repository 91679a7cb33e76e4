"""`tocsin run`: the event loop it runs on, and start-up objects frozen once the NLU is warm."""

from __future__ import annotations

import asyncio
import gc
import threading

from tocsin.commands.run import freeze_when_warm


async def test_start_up_objects_are_frozen_once_the_nlu_is_warm() -> None:
    warmed = threading.Event()
    gc.unfreeze()
    freezing = asyncio.create_task(freeze_when_warm(warmed))
    try:
        await asyncio.sleep(0.05)
        assert not freezing.done() and gc.get_freeze_count() == 0
        warmed.set()
        await asyncio.wait_for(freezing, 10)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_server_runs_on_uvloop_where_it_is_installed() -> None:
    import uvloop

    from tocsin.commands.run import event_loop_factory

    assert event_loop_factory() is uvloop.new_event_loop
