"""Measuring the NLU on a labelled JSON-lines file (`tocsin nlu eval`).

Records carry `text`, `lang`, `category`, `perpetrator`, `place`, `country`, `lat`, `lon`; a
null field is not scored. Figures: per-class precision/recall/F1 with a confusion matrix, for
categories and for perpetrator types (which classes fail, and what they are read as, without
reading a text), language accuracy, geotag accuracy within 161 km (100 miles) and median error,
and throughput of `analyze`.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlu.gazetteer import distance_km
from nlu.progress import SILENT, bar
from nlu.result import Analysis
from nlu.taxonomy import CATEGORIES, PERPETRATORS

GEO_RADIUS_KM = 161.0
PROGRESS_FROM = 100  # texts; a shorter file is done before a bar would help


def read_records(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSON-lines file, skipping blank lines."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
    return records


@dataclass
class Scores:
    """Accumulated comparisons of gold records with analyses."""

    category_pairs: list[tuple[str, str]] = field(default_factory=list)
    language_hits: list[bool] = field(default_factory=list)
    geo_errors_km: list[float] = field(default_factory=list)
    perpetrator_pairs: list[tuple[str, str]] = field(default_factory=list)
    # (gold, read) of: confidentiality, "not relevant", sexual violence among the categories
    confidential_pairs: list[tuple[bool, bool]] = field(default_factory=list)
    confidential_foreign_pairs: list[tuple[bool, bool]] = field(default_factory=list)
    irrelevant_pairs: list[tuple[bool, bool]] = field(default_factory=list)
    sexual_pairs: list[tuple[bool, bool]] = field(default_factory=list)
    # per record with gold `categories`: the share of them that the reading kept
    categories_kept: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process only: honest on a busy machine
    n: int = 0

    def add(self, record: dict[str, Any], analysis: Analysis) -> None:
        self.n += 1
        if record.get("category") is not None:
            self.category_pairs.append((str(record["category"]), analysis.category))
        if record.get("lang") is not None:
            self.language_hits.append(analysis.language == record["lang"])
        if record.get("lat") is not None and record.get("lon") is not None:
            self.geo_errors_km.append(_geo_error(record, analysis))
        if record.get("perpetrator") is not None:
            # Nothing named reads as "unknown", as in the taxonomy.
            read = analysis.perpetrator or "unknown"
            self.perpetrator_pairs.append((str(record["perpetrator"]), read))
        self._add_reading(record, analysis)

    def _add_reading(self, record: dict[str, Any], analysis: Analysis) -> None:
        """Confidentiality, relevance and multi-label figures of one record."""
        categories = set(analysis.categories or (analysis.category,))
        gold = gold_categories(record)
        if gold:
            self.sexual_pairs.append(("sexual_violence" in gold, "sexual_violence" in categories))
            found = len(gold & categories) / len(gold)
            if record.get("categories"):
                self.categories_kept.append(found)
        confidential = gold_confidential(record)
        if confidential is not None:
            self.confidential_pairs.append((confidential, analysis.confidential))
        confidential = gold_confidential_with_foreign_forces(record)
        if confidential is not None:
            self.confidential_foreign_pairs.append((confidential, analysis.confidential))
        if isinstance(record.get("relevant"), bool):
            self.irrelevant_pairs.append((not record["relevant"], not analysis.relevant))

    def report(self) -> dict[str, Any]:
        """The figures, in the JSON shape of spec/interfaces.md (and a confusion matrix)."""
        return {
            "n": self.n,
            "category": category_figures(self.category_pairs),
            "language": {
                "n": len(self.language_hits),
                "accuracy": _ratio(sum(self.language_hits), len(self.language_hits)),
            },
            "geo": {
                "n": len(self.geo_errors_km),
                "acc_161km": _ratio(
                    sum(1 for e in self.geo_errors_km if e <= GEO_RADIUS_KM),
                    len(self.geo_errors_km),
                ),
                "median_km": round(statistics.median(self.geo_errors_km), 1)
                if self.geo_errors_km
                else None,
            },
            "perpetrator": class_figures(self.perpetrator_pairs, PERPETRATORS),
            "confidential": binary_figures(self.confidential_pairs),
            "confidential_with_foreign_forces": binary_figures(self.confidential_foreign_pairs),
            "sexual_violence": binary_figures(self.sexual_pairs),
            "relevance": binary_figures(self.irrelevant_pairs),
            "categories_kept": {
                "n": len(self.categories_kept),
                "mean_recall": _ratio(sum(self.categories_kept), len(self.categories_kept)),
            },
            "texts_per_second": round(self.n / self.seconds, 1) if self.seconds else None,
            "texts_per_cpu_second": round(self.n / self.cpu_seconds, 1)
            if self.cpu_seconds
            else None,
        }


def gold_categories(record: dict[str, Any]) -> set[str]:
    """The record's categories: `categories` when given, else its one `category`."""
    listed = record.get("categories")
    if isinstance(listed, list) and listed:
        return {str(c) for c in listed}
    return {str(record["category"])} if record.get("category") is not None else set()


def gold_confidential(record: dict[str, Any]) -> bool | None:
    """As spec/interfaces.md scores it: an explicit `confidential`; else true for sexual
    violence, false for other labelled incidents."""
    if isinstance(record.get("confidential"), bool):
        return bool(record["confidential"])
    if record.get("category") is None:
        return None
    return "sexual_violence" in gold_categories(record)


def gold_confidential_with_foreign_forces(record: dict[str, Any]) -> bool | None:
    """`gold_confidential`, and also true where the gold perpetrator is a foreign force: a
    report that involves foreign or EU-mission personnel is confidential too (DESIGN), which
    a set that marks no `confidential` field cannot say otherwise."""
    confidential = gold_confidential(record)
    if confidential is None or isinstance(record.get("confidential"), bool):
        return confidential
    return confidential or record.get("perpetrator") == "foreign_forces"


def binary_figures(pairs: list[tuple[bool, bool]]) -> dict[str, Any]:
    """Precision and recall of the positive class; `n` records, `positives` in gold."""
    tp = sum(1 for gold, read in pairs if gold and read)
    predicted = sum(1 for _, read in pairs if read)
    positives = sum(1 for gold, _ in pairs if gold)
    return {
        "n": len(pairs),
        "positives": positives,
        "precision": _ratio(tp, predicted),
        "recall": _ratio(tp, positives),
    }


def _geo_error(record: dict[str, Any], analysis: Analysis) -> float:
    """Distance from the gold point to the best candidate; no candidate is a miss."""
    if not analysis.places:
        return float("inf")
    best = analysis.places[0]
    return distance_km(float(record["lat"]), float(record["lon"]), best.lat, best.lon)


def _ratio(hits: float, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def category_figures(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the classes present in gold, per-class figures, confusion."""
    return class_figures(pairs, CATEGORIES)


def class_figures(pairs: list[tuple[str, str]], order: tuple[str, ...]) -> dict[str, Any]:
    """(gold, read) pairs as accuracy, macro-F1 over the classes present in gold, per-class
    figures and a confusion matrix (rows gold, columns read), labels in taxonomy `order`."""

    def rank(label: str) -> int:
        return order.index(label) if label in order else len(order)

    gold_classes = sorted({g for g, _ in pairs}, key=rank)
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs}, key=rank)
    confusion = Counter(pairs)
    per_class = {}
    for label in labels:
        tp = confusion[(label, label)]
        predicted = sum(c for (g, p), c in confusion.items() if p == label)
        support = sum(c for (g, p), c in confusion.items() if g == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    correct = sum(c for (g, p), c in confusion.items() if g == p)
    macro = [per_class[label]["f1"] for label in gold_classes]
    return {
        "n": len(pairs),
        "accuracy": _ratio(correct, len(pairs)),
        "macro_f1": round(sum(macro) / len(macro), 4) if macro else None,
        "per_class": per_class,
        "labels": labels,
        "confusion": [[confusion[(g, p)] for p in labels] for g in labels],
    }


# Read once before timing: lingua and dateparser load their language data on first use, a
# one-off cost of a few hundred milliseconds that is start-up, not throughput.
WARM_UP_TEXTS = (
    "On 3 May, soldiers arrested two men near the market.",
    "hier soir les gendarmes ont frappé mon frère",
    "الشرطة اعتقلت ثلاثة رجال أمس",
    "la policía detuvo a dos periodistas",
    "os soldados queimaram as casas",
    "askari walimpiga kaka yangu jana",
    "the soldiers came back",  # short, no time words: dateparser's English is loaded
    "les soldats sont revenus",
)


async def evaluate(
    nlu: Any, records: Iterable[dict[str, Any]], show_progress: bool = False
) -> dict[str, Any]:
    """Analyse every record with `nlu` (no hints: the text alone) and return the figures.

    With `show_progress`, a file of more than PROGRESS_FROM texts gets a bar on the terminal.
    """
    records = list(records)
    for text in WARM_UP_TEXTS:
        await nlu.analyze(text)
    scores = Scores()
    shown = show_progress and len(records) > PROGRESS_FROM
    with (
        bar(len(records), "analysing texts", unit="text") if shown else nullcontext(SILENT) as done
    ):
        for record in records:
            started, cpu_started = time.perf_counter(), time.process_time()
            analysis = await nlu.analyze(str(record.get("text") or ""))
            scores.seconds += time.perf_counter() - started
            scores.cpu_seconds += time.process_time() - cpu_started
            scores.add(record, analysis)
            done.update()
    return scores.report()


def _binary_line(name: str, figures: dict[str, Any]) -> str:
    return (
        f"{name}: precision {figures['precision']}   recall {figures['recall']}"
        f"   (n={figures['n']}, positives={figures['positives']})"
    )


def format_report(report: dict[str, Any]) -> str:
    """The figures as text, with the confusion matrix (rows gold, columns predicted)."""
    category = report["category"]
    lines = [
        f"texts: {report['n']}",
        f"category accuracy: {category['accuracy']}   macro-F1: {category['macro_f1']}",
        f"language accuracy: {report['language']['accuracy']}",
        f"perpetrator accuracy: {report['perpetrator']['accuracy']}"
        f"   macro-F1: {report['perpetrator']['macro_f1']}   (n={report['perpetrator']['n']})",
        *(
            _binary_line(name.replace("_", " "), report[name])
            for name in ("confidential", "confidential_with_foreign_forces", "sexual_violence")
        ),
        _binary_line("not relevant", report["relevance"]),
        f"categories kept (records with several): {report['categories_kept']['mean_recall']}"
        f"   (n={report['categories_kept']['n']})",
        f"geo (n={report['geo']['n']}): acc@161km {report['geo']['acc_161km']}"
        f"   median error {report['geo']['median_km']} km",
        f"texts per second: {report['texts_per_second']}"
        f"   (per CPU second of this process: {report['texts_per_cpu_second']})",
        "",
        *_class_table(category),
        "",
        "perpetrators",
        *_class_table(report["perpetrator"]),
    ]
    return "\n".join(lines)


def _class_table(figures: dict[str, Any]) -> list[str]:
    """Per-class precision, recall, F1 and support, then the confusion matrix."""
    lines = [f"{'class':<30}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>6}"]
    for label, row in figures["per_class"].items():
        lines.append(
            f"{label:<30}{row['precision']:>7.2f}{row['recall']:>7.2f}"
            f"{row['f1']:>7.2f}{row['support']:>6}"
        )
    labels = figures["labels"]
    short = [label[:5] for label in labels]
    lines += [
        "",
        "confusion (rows: gold, columns: predicted)",
        " " * 30 + "".join(f"{s:>6}" for s in short),
    ]
    for label, row in zip(labels, figures["confusion"], strict=True):
        lines.append(f"{label:<30}" + "".join(f"{v:>6}" for v in row))
    return lines
