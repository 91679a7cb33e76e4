"""Evaluation figures are computed from the records, not asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu import Nlu
from nlu.evaluation import (
    Scores,
    category_figures,
    class_figures,
    evaluate,
    format_report,
    read_records,
)
from nlu.result import Analysis
from nlu.taxonomy import PERPETRATORS


def test_category_figures_by_hand() -> None:
    pairs = [
        ("killing", "killing"),
        ("killing", "physical_assault"),
        ("physical_assault", "physical_assault"),
    ]
    figures = category_figures(pairs)
    assert figures["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["per_class"]["killing"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "support": 2,
    }
    assert figures["per_class"]["physical_assault"]["precision"] == 0.5
    assert figures["macro_f1"] == pytest.approx((0.6667 + 0.6667) / 2, abs=1e-3)
    assert figures["confusion"] == [[1, 1], [0, 1]]


async def test_evaluate_scores_language_category_and_geo(nlu: Nlu, tmp_path: Path) -> None:
    path = tmp_path / "mini.jsonl"
    rows = [
        {
            "text": "soldiers shot dead two herders in Mopti",
            "lang": "en",
            "category": "killing",
            "place": "Mopti",
            "country": "ML",
            "lat": 14.48,
            "lon": -4.18,
        },
        {
            "text": "la police a arrêté mon frère à Dakar",
            "lang": "fr",
            "category": "arbitrary_detention",
            "place": "Dakar",
            "country": "SN",
            "lat": 14.69,
            "lon": -17.44,
        },
        {
            "text": "hello",
            "lang": None,
            "category": "other",
            "place": None,
            "country": None,
            "lat": None,
            "lon": None,
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    report = await evaluate(nlu, read_records(path))
    assert report["n"] == 3
    assert report["category"]["accuracy"] == 1.0
    assert report["language"] == {"n": 2, "accuracy": 1.0}
    assert report["geo"]["n"] == 2 and report["geo"]["acc_161km"] == 1.0
    assert report["geo"]["median_km"] < 20
    assert report["texts_per_second"] > 0
    assert "confusion" in format_report(report)


def test_perpetrator_figures_by_hand_in_taxonomy_order() -> None:
    pairs = [
        ("militia", "unknown"),
        ("militia", "militia"),
        ("unknown", "unknown"),
        ("army", "army"),
        ("army", "foreign_forces"),
    ]
    figures = class_figures(pairs, PERPETRATORS)
    assert figures["accuracy"] == 0.6
    # read labels count as columns even when no gold row has them
    assert figures["labels"] == ["army", "militia", "foreign_forces", "unknown"]
    assert figures["confusion"] == [[1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 0, 0, 1]]
    assert figures["per_class"]["unknown"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
        "support": 1,
    }
    assert figures["per_class"]["militia"]["recall"] == 0.5
    assert figures["per_class"]["foreign_forces"]["support"] == 0
    # macro-F1 over the gold classes only: army 0.6667, militia 0.6667, unknown 0.6667
    assert figures["macro_f1"] == pytest.approx(0.6667, abs=1e-3)


def _analysis(perpetrator: str | None) -> Analysis:
    return Analysis(
        language="en", language_confidence=1.0, category="killing", confidence=1.0,
        ranked_categories=(("killing", 1.0),), perpetrator=perpetrator, perpetrator_text=None,
        affected_groups={}, victims=None, when=None, places=(),
    )  # fmt: skip


def test_report_tables_the_perpetrators_read_as_nothing_as_unknown() -> None:
    scores = Scores()
    rows = [("militia", None), ("militia", "militia"), ("police", "army"), (None, "army")]
    for gold, read in rows:
        scores.add({"text": "x", "category": "killing", "perpetrator": gold}, _analysis(read))
    report = scores.report()
    perpetrator = report["perpetrator"]
    assert perpetrator["n"] == 3 and perpetrator["accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert perpetrator["labels"] == ["army", "police", "militia", "unknown"]
    assert perpetrator["confusion"][2] == [0, 0, 1, 1]
    text = format_report(report)
    table = text[text.index("perpetrators") :]
    assert "militia" in table and "confusion (rows: gold, columns: predicted)" in table
    assert "unkno" in table


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        read_records(path)
