"""Benchmark: how well triage reads the labelled messages of ``bench/triage/messages.jsonl``.

Run: ``python bench/triage.py [--split holdout|tune|all] [--json PATH]``. Each message is read
the way triage reads one (``helplinekit.services.lexicon_reading.read_text``) with the
lexicons of a helpline that enables English and Urdu: English, Urdu in Nastaliq and Roman
Urdu. Reported per language and overall:

- recall of threats to life flagged **high** (needs-human-triage alone does not count);
- recall of every other risk signal flagged high or medium (sextortion: medium or more);
- the share of all messages ending in needs-human-triage (nothing found, or an unread script);
- the share of negatives (risk "none") given medium or high risk (false alarms);
- precision and recall per category.

The set was written and committed before the lexicons were tuned; tune on the "tune" part
only and report the held-out third (the default).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "bench" / "triage" / "messages.jsonl"
LEVELS = {"unknown": 0, "low": 1, "medium": 2, "high": 3}
#: The level a signal must reach to count as caught.
SIGNAL_FLOOR = {
    "threat_to_life": "high",
    "violence": "high",
    "self_harm": "high",
    "minor": "high",
    "location_exposed": "high",
    "sextortion": "medium",
}


def lexicons() -> tuple[Any, ...]:
    """The lexicons of a helpline enabling English and Urdu, as the packs carry them."""
    from helplinekit_urdu import build as urdu

    from helplinekit.default_plugins.english import build as english

    return english().triage_lexicons + urdu().triage_lexicons


def read(messages: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each message with what triage made of it."""
    from helplinekit.services.lexicon_reading import read_text

    chosen = lexicons()
    results = []
    for message in messages:
        reading = read_text(chosen, message["text"])
        signals = reading.signals
        level = max((LEVELS[s.level.value] for s in signals), default=0)
        results.append(
            {
                **message,
                "got_level": level,
                "got_categories": sorted({c for s in signals for c in s.categories}),
                "needs_human": reading.found_nothing or reading.unreadable,
            }
        )
    return results


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "n/a"


def summarise(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures for one group of messages."""
    figures: dict[str, Any] = {"messages": len(results)}
    for signal, floor in SIGNAL_FLOOR.items():
        labelled = [r for r in results if signal in r["signals"]]
        caught = [r for r in labelled if r["got_level"] >= LEVELS[floor]]
        figures[f"recall {signal} ({floor}+)"] = (len(caught), len(labelled))
    needs_human = sum(1 for r in results if r["needs_human"])
    figures["needs human triage"] = (needs_human, len(results))
    negatives = [r for r in results if r["risk"] == "none"]
    alarms = [r for r in negatives if r["got_level"] >= LEVELS["medium"]]
    figures["negatives given medium/high"] = (len(alarms), len(negatives))
    high = [r for r in results if r["risk"] == "high"]
    figures["high-risk messages ranked high or needs-human"] = (
        sum(1 for r in high if r["got_level"] == LEVELS["high"] or r["needs_human"]),
        len(high),
    )
    return figures


def per_category(results: Sequence[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """For each category: (true positives, predicted, labelled)."""
    predicted: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for result in results:
        got, want = set(result["got_categories"]), set(result["categories"])
        predicted.update(got)
        labelled.update(want)
        correct.update(got & want)
    codes = sorted(set(predicted) | set(labelled))
    return {code: (correct[code], predicted[code], labelled[code]) for code in codes}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("holdout", "tune", "all"), default="holdout")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = parser.parse_args(argv)
    lines = MESSAGES.read_text(encoding="utf-8").splitlines()
    messages = [json.loads(line) for line in lines if line.strip()]
    if args.split != "all":
        messages = [m for m in messages if m["split"] == args.split]
    results = read(messages)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        groups[result["language"]].append(result)
    groups["all"] = list(results)
    report: dict[str, Any] = {"split": args.split, "languages": {}, "categories": {}}
    print(f"Triage benchmark, {args.split} messages ({len(results)}):")
    for language, members in groups.items():
        figures = summarise(members)
        report["languages"][language] = figures
        print(f"\n  {language} ({figures.pop('messages')} messages)")
        for name, (part, whole) in figures.items():
            print(f"    {name:<48} {_share(part, whole)}")
    print("\n  precision and recall per category (all languages)")
    for code, (correct, predicted, labelled) in per_category(results).items():
        report["categories"][code] = {
            "correct": correct,
            "predicted": predicted,
            "labelled": labelled,
        }
        print(
            f"    {code:<24} precision {_share(correct, predicted):<20} "
            f"recall {_share(correct, labelled)}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=list), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
