"""Cached artefacts: keyed by content, rebuilt when missing or corrupt, written atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlu.cache import fingerprint, load_or_build_arrays


def test_fingerprint_changes_with_content_and_code(tmp_path: Path) -> None:
    data = tmp_path / "a.yml"
    data.write_text("one", encoding="utf-8")
    first = fingerprint([data], ["code v1"])
    assert fingerprint([data], ["code v1"]) == first
    assert fingerprint([data], ["code v2"]) != first
    data.write_text("two", encoding="utf-8")
    assert fingerprint([data], ["code v1"]) != first


def test_arrays_are_built_once_then_read(tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"x": np.arange(3), "names": np.array("a\nb")}

    first = load_or_build_arrays(tmp_path, "thing", "k1", build)
    second = load_or_build_arrays(tmp_path, "thing", "k1", build)
    assert calls == [1]
    assert second["x"].tolist() == [0, 1, 2] and str(second["names"]) == "a\nb"
    assert first.keys() == second.keys()
    assert [p.name for p in tmp_path.iterdir()] == ["thing-k1.npz"]  # no temporary left over


def test_a_corrupt_file_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "thing-k1.npz").write_bytes(b"not a zip file")
    arrays = load_or_build_arrays(tmp_path, "thing", "k1", lambda: {"x": np.ones(2)})
    assert arrays["x"].tolist() == [1.0, 1.0]
    assert load_or_build_arrays(tmp_path, "thing", "k1", lambda: {})["x"].tolist() == [1.0, 1.0]


def test_without_a_cache_dir_nothing_is_written(tmp_path: Path) -> None:
    arrays = load_or_build_arrays(None, "thing", "k1", lambda: {"x": np.zeros(1)})
    assert arrays["x"].tolist() == [0.0]
