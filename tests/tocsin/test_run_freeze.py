"""`tocsin run` freezes what start-up loaded once the NLU is warm, and not before."""

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
