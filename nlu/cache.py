"""Artefacts built once and cached on disk, keyed by a hash of their inputs and code.

Every `tocsin shell` process builds an `Nlu`; training the classifier or indexing the gazetteer
each time would cost seconds. A changed training file, gazetteer or builder module changes the
key, so a stale artefact is never loaded. Writes are atomic because several processes may start
together on a cold cache.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from nlu.progress import bar

CHUNK = 1 << 20


def fingerprint(paths: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """A short hex digest of the contents of `paths` and the `extra` strings."""
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
    for item in extra:
        digest.update(b"\0" + item.encode())
    return digest.hexdigest()


def load_or_build_arrays(
    cache_dir: Path | None, name: str, key: str, build: Callable[[], dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """Arrays from `cache_dir/name-key.npz`, or built with `build` and written there.

    Without a cache dir the arrays are simply built (tests of small pieces, read-only disks).
    """
    if cache_dir is None:
        return build()
    path = Path(cache_dir) / f"{name}-{key}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as archive:
                return {k: archive[k] for k in archive.files}
        except (OSError, ValueError):
            pass  # a corrupt or truncated file is rebuilt below
    # only the first start (or a changed source) gets here, and it takes seconds: say so
    with bar(None, f"building the NLU cache: {name} (once, kept in {cache_dir})"):
        arrays = build()
    _atomic_save(path, arrays)
    return arrays


def _atomic_save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def module_source(*modules: object) -> list[str]:
    """The source text of modules, so editing a builder invalidates its artefacts."""
    texts = []
    for module in modules:
        file = getattr(module, "__file__", None)
        texts.append(Path(file).read_text(encoding="utf-8") if file else repr(module))
    return texts
