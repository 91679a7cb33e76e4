"""`tocsin nlu analyze|eval|export-rasa` through the real command line entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tocsin.cli import main


@pytest.fixture
def nlu_env(monkeypatch: pytest.MonkeyPatch, nlu_cache_dir: Path, shared_nlu: object) -> None:
    """The commands use the suite's NLU cache (already built by `shared_nlu`)."""
    monkeypatch.setenv("TOCSIN_CACHE_DIR", str(nlu_cache_dir))


def test_analyze_json_has_the_contract_fields(nlu_env: None, capsys: pytest.CaptureFixture) -> None:
    assert main(["nlu", "analyze", "--json", "Les gendarmes ont arrêté 3 hommes à Kaya"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "fr"
    assert data["category"] == "arbitrary_detention"
    assert data["perpetrator"] == "gendarmerie"
    assert data["affected_groups"] == {"men": 3} and data["victims"] == 3
    assert 0.0 <= data["confidence"] <= 1.0
    assert data["places"][0]["name"] == "Kaya" and data["places"][0]["country"] == "BF"
    assert {"when", "lat", "lon", "score"} <= set(data) | set(data["places"][0])


def test_analyze_text_output(nlu_env: None, capsys: pytest.CaptureFixture) -> None:
    assert main(["nlu", "analyze", "soldiers shot dead two herders near Mopti"]) == 0
    out = capsys.readouterr().out
    assert "category:    killing" in out and "Mopti" in out


def _write_eval_file(path: Path) -> None:
    rows = [
        {
            "text": "police beat the students with batons in Nairobi",
            "lang": "en",
            "category": "physical_assault",
            "place": "Nairobi",
            "country": "KE",
            "lat": -1.2833,
            "lon": 36.8167,
        },
        {
            "text": "les militaires ont brûlé le village près de Djibo",
            "lang": "fr",
            "category": "property_destruction_looting",
            "place": "Djibo",
            "country": "BF",
            "lat": 14.10,
            "lon": -1.63,
        },
        {
            "text": "الشرطة اعتقلت صحفي في حلب",
            "lang": "ar",
            "category": "arbitrary_detention",
            "place": None,
            "country": None,
            "lat": None,
            "lon": None,
        },
        {
            "text": "a drone hit the market",
            "lang": "en",
            "category": "killing",
            "place": None,
            "country": None,
            "lat": None,
            "lon": None,
        },
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_eval_json_figures_are_computed(
    nlu_env: None, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "mini.jsonl"
    _write_eval_file(path)
    assert main(["nlu", "eval", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 4
    category = report["category"]
    # The last record is deliberately mislabelled: the figures must show that one miss.
    assert category["accuracy"] == 0.75
    assert category["per_class"]["killing"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 1,
    }
    assert 0.0 < category["macro_f1"] < 1.0
    assert report["language"]["accuracy"] == 1.0
    assert report["geo"]["n"] == 2 and report["geo"]["acc_161km"] == 1.0
    assert isinstance(report["geo"]["median_km"], float)
    assert report["texts_per_second"] > 0


def test_eval_text_output_has_a_confusion_matrix(
    nlu_env: None, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "mini.jsonl"
    _write_eval_file(path)
    assert main(["nlu", "eval", str(path)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "confusion (rows: gold, columns: predicted)" in out


def test_eval_of_a_missing_file_fails_cleanly(nlu_env: None, tmp_path: Path, capsys) -> None:
    assert main(["nlu", "eval", str(tmp_path / "absent.jsonl")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_eval_refuses_a_file_without_any_labelled_field(
    nlu_env: None, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "other.jsonl"
    path.write_text('{"text": "Soldiers burned the market", "label": "arson"}\n')
    assert main(["nlu", "eval", str(path)]) == 1
    error = capsys.readouterr().err
    assert "no record carries any of the fields category, lang, place" in error
    path.write_text('{"message": "Soldiers burned the market", "category": "killing"}\n')
    assert main(["nlu", "eval", str(path)]) == 1
    assert 'record 1 has no "text"' in capsys.readouterr().err


def test_eval_help_gives_the_record_format(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["nlu", "eval", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert '{"text": "...", "lang": "fr", "category": "killing", "place": "Mopti",' in help_text


def test_export_rasa_writes_a_trainable_project(nlu_env: None, tmp_path: Path) -> None:
    assert main(["nlu", "export-rasa", str(tmp_path / "rasa")]) == 0
    nlu = yaml.safe_load((tmp_path / "rasa" / "data" / "nlu-fr.yml").read_text("utf-8"))
    domain = yaml.safe_load((tmp_path / "rasa" / "domain.yml").read_text("utf-8"))
    assert {item["intent"] for item in nlu["nlu"]} <= set(domain["intents"])
    assert (tmp_path / "rasa" / "config.yml").is_file()


def test_export_rasa_onto_an_existing_project_says_so_in_one_line(
    nlu_env: None, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["nlu", "export-rasa", str(tmp_path / "rasa")]) == 0
    capsys.readouterr()
    assert main(["nlu", "export-rasa", str(tmp_path / "rasa")]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "exists" in captured.err
    assert "Traceback" not in captured.err
    assert main(["nlu", "export-rasa", "--force", str(tmp_path / "rasa")]) == 0


def test_a_missing_deployment_gazetteer_is_named(
    nlu_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("TOCSIN_EXTRA_GAZETTEER", str(tmp_path / "absent.tsv"))
    assert main(["nlu", "analyze", "hello"]) == 2
    assert "TOCSIN_EXTRA_GAZETTEER" in capsys.readouterr().err


def test_analyze_json_reads_every_category_and_confidentiality(
    nlu_env: None, capsys: pytest.CaptureFixture
) -> None:
    text = "Militia attacked the settlement, raped women and destroyed property."
    assert main(["nlu", "analyze", "--json", text]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["categories"][0] == data["category"] == "sexual_violence"
    assert "property_destruction_looting" in data["categories"]
    assert data["confidential"] is True and data["relevant"] is True
    assert 0.5 <= data["relevance"] <= 1.0


def test_eval_json_has_confidential_and_relevance_figures(
    nlu_env: None, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    rows = [
        {"text": "a soldier raped a girl at the checkpoint", "category": "sexual_violence"},
        {"text": "police beat the students in Nairobi", "category": "physical_assault"},
        {
            "text": "Wagner mercenaries burned the market in Moura",
            "category": "property_destruction_looting",
            "perpetrator": "foreign_forces",
        },
        {"text": "hello, is this working?", "relevant": False},
        {"text": "soldiers burned the market", "relevant": True},
    ]
    path = tmp_path / "reading.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert main(["nlu", "eval", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    # as spec/interfaces.md scores it, sexual violence only: the foreign force is a false alarm
    assert report["confidential"] == {"n": 3, "positives": 1, "precision": 0.5, "recall": 1.0}
    # with the foreign perpetrator counted, as DESIGN routes it
    assert report["confidential_with_foreign_forces"] == {
        "n": 3,
        "positives": 2,
        "precision": 1.0,
        "recall": 1.0,
    }
    assert report["relevance"] == {"n": 2, "positives": 1, "precision": 1.0, "recall": 1.0}
