"""Several server processes on one port: start them, forward the stop, end with them.

A parent starts N children, each binding the same address with SO_REUSEPORT, and waits. The
children are forked where the system allows it: the parent has imported the application but
opened no event loop, connection pool or thread yet, so each child starts in a moment
instead of importing everything again (elsewhere they are spawned, a fresh interpreter
each). SIGINT or SIGTERM to the parent stops every child; if one child ends, the others are
stopped too (a desk answering from fewer processes than asked, silently, would be worse than
none).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

STOP_GRACE_SECONDS = 20.0


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def run_processes(count: int, target: Callable[..., None], *arguments: Any) -> int:
    """Run `target(*arguments)` in `count` processes until one ends or the parent is told to
    stop; returns 0 when stopped by a signal, else the exit code of the child that ended."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    children = [
        context.Process(target=target, args=arguments, name=f"tocsin-web-{index + 1}")
        for index in range(count)
    ]
    for child in children:
        child.start()
    stopped = threading.Event()
    ended = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        stopped.set()
        ended.set()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not ended.is_set():
            gone = multiprocessing.connection.wait([child.sentinel for child in children], 0.5)
            if gone:
                ended.set()
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()  # SIGTERM: each child closes its server and pools
        for child in children:
            child.join(STOP_GRACE_SECONDS)
            if child.is_alive():
                child.kill()
                child.join()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stopped.is_set():
        return 0
    codes = [child.exitcode for child in children if child.exitcode]
    return next((code if code > 0 else 1 for code in codes if code is not None), 0)
