"""`kb eval`: precision, recall and F1 of the knowledge base against a gold JSONL file.

A library first (`evaluate`, `render_report`); the CLI command is a thin wrapper.
The gold format is shared/eval/FORMAT.md; the scoring rules are in `kb.eval.score`.
"""

from kb.eval.gold import GoldError, load_gold
from kb.eval.render import render_report
from kb.eval.score import EvalReport, Finding, KindScore, evaluate, score_records

__all__ = [
    "EvalReport",
    "Finding",
    "GoldError",
    "KindScore",
    "evaluate",
    "load_gold",
    "render_report",
    "score_records",
]
