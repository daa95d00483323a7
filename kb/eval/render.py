"""Turn an `EvalReport` into text: an aligned table or JSON. No database access."""

from __future__ import annotations

import json
from typing import Literal

from kb.errors import UsageError
from kb.eval.score import EvalReport, Finding, KindScore

_COLUMNS = ("kind", "gold", "optional", "tp", "fp", "fn", "repeats", "precision", "recall", "f1")


def _cells(score: KindScore) -> list[str]:
    counts = [score.gold, score.optional, score.tp, score.fp, score.fn, score.repeats]
    ratios = [score.precision, score.recall, score.f1]
    return [score.kind, *(str(n) for n in counts), *(f"{r:.3f}" for r in ratios)]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def _finding_line(finding: Finding) -> str:
    where = []
    if finding.line is not None:
        where.append(f"line {finding.line}")
    if finding.doc is not None:
        where.append(f"doc {finding.doc}")
    place = f"[{', '.join(where)}] " if where else ""
    return f"  {finding.kind:<8} {place}{finding.description}"


def render_table(report: EvalReport, show_errors: bool) -> str:
    lines = [f"gold: {report.gold_file}"]
    if report.kinds:
        rows = [list(_COLUMNS), *(_cells(k) for k in report.kinds), _cells(report.overall)]
        lines += _table(rows)
    lines += [f"warning: {warning}" for warning in report.warnings]
    if show_errors:
        misses = [f for k in report.kinds for f in k.misses]
        false_hits = [f for k in report.kinds for f in k.false_hits]
        lines += ["", f"misses ({len(misses)}):", *(_finding_line(f) for f in misses)]
        lines += ["", f"false hits ({len(false_hits)}):", *(_finding_line(f) for f in false_hits)]
    return "\n".join(lines)


def render_json(report: EvalReport, show_errors: bool) -> str:
    exclude = None if show_errors else {"misses", "false_hits"}
    data = {
        "gold_file": report.gold_file,
        "kinds": [k.model_dump(mode="json", exclude=exclude) for k in report.kinds],
        "overall": report.overall.model_dump(mode="json", exclude={"misses", "false_hits"}),
        "warnings": report.warnings,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_report(
    report: EvalReport, fmt: Literal["table", "json"] = "table", show_errors: bool = False
) -> str:
    """The report as the CLI prints it; misses and false hits only with `show_errors`."""
    if fmt == "table":
        return render_table(report, show_errors)
    if fmt == "json":
        return render_json(report, show_errors)
    raise UsageError(f"unknown eval report format {fmt!r} (expected table or json)")
