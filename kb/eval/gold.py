"""Gold files for `kb eval`: JSON Lines, one expected fact per line (see shared/eval/FORMAT.md).

`load_gold(path)` turns every line into a typed record or fails with one clear error that
names the file and the line. Lines starting with `//` and blank lines are skipped; keys a
kind does not define (`wikipedia`, `raw`, `relations`, ...) are kept as hints.

Names accept alternatives with `|`; the hint lists that spell other surfaces of the same
name (`aliases` of an entity, `a_aliases`/`b_aliases` of a meeting, `person_aliases`/
`org_aliases` of a role, `titles` of a role) widen those alternatives. They never add
records: the gold sets write them from the annotated mentions of that very entity.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    ValidationError,
    model_validator,
)

from kb.errors import KBError

KINDS = ("entity", "meeting", "role", "product", "figure", "relation")


class GoldError(KBError):
    """A gold file that cannot be read or has a malformed line."""

    exit_code = 2


def _alternatives(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise ValueError("must be a string (alternatives separated by '|')")
    parts = tuple(part.strip() for part in value.split("|") if part.strip())
    if not parts:
        raise ValueError("must not be empty")
    return parts


def _optional_alternatives(value: Any) -> tuple[str, ...] | None:
    return None if value is None else _alternatives(value)


def _hint_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("must be a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def _iso_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be an ISO date string YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO date YYYY-MM-DD") from None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON number")
    if not math.isfinite(value):
        raise ValueError("must be finite")
    return float(value)


def _doc(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("must be a document name")
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value.strip() or None


Alternatives = Annotated[tuple[str, ...], BeforeValidator(_alternatives)]
OptionalAlternatives = Annotated[tuple[str, ...] | None, BeforeValidator(_optional_alternatives)]
Hints = Annotated[tuple[str, ...], BeforeValidator(_hint_list)]
OptionalText = Annotated[str | None, BeforeValidator(_text)]


class GoldRecord(BaseModel):
    """Fields every gold line may carry; `line` is where it was read (1-based)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    line: int = 0
    doc: Annotated[str | None, BeforeValidator(_doc)] = None
    optional: StrictBool = False


class EntityGold(GoldRecord):
    kind: Literal["entity"]
    name: Alternatives
    type: Alternatives
    aliases: Hints = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.name + self.aliases

    @property
    def types(self) -> frozenset[str]:
        return frozenset(t.upper() for t in self.type)


class MeetingGold(GoldRecord):
    kind: Literal["meeting"]
    a: Alternatives
    b: Alternatives
    date: Annotated[dt.date | None, BeforeValidator(_iso_date)] = None
    a_aliases: Hints = ()
    b_aliases: Hints = ()

    @property
    def a_names(self) -> tuple[str, ...]:
        return self.a + self.a_aliases

    @property
    def b_names(self) -> tuple[str, ...]:
        return self.b + self.b_aliases


class RoleGold(GoldRecord):
    kind: Literal["role"]
    person: Alternatives
    org: Alternatives
    title: OptionalAlternatives = None
    titles: Hints = ()
    person_aliases: Hints = ()
    org_aliases: Hints = ()

    @property
    def person_names(self) -> tuple[str, ...]:
        return self.person + self.person_aliases

    @property
    def org_names(self) -> tuple[str, ...]:
        return self.org + self.org_aliases

    @property
    def all_titles(self) -> tuple[str, ...]:
        return (self.title or ()) + self.titles


class ProductGold(GoldRecord):
    kind: Literal["product"]
    name: Alternatives
    maker: OptionalAlternatives = None
    aliases: Hints = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.name + self.aliases


class FigureGold(GoldRecord):
    kind: Literal["figure"]
    value: Annotated[float, BeforeValidator(_number)]
    entity: OptionalAlternatives = None
    unit: OptionalText = None
    currency: OptionalText = None
    metric: OptionalText = None
    period: OptionalText = None

    @model_validator(mode="after")
    def _global_figure_names_its_entity(self) -> FigureGold:
        if self.doc is None and self.entity is None:
            raise ValueError("a figure without 'doc' needs 'entity'")
        return self


class RelationGold(GoldRecord):
    kind: Literal["relation"]
    subject: Alternatives
    relation: Alternatives
    object: Alternatives


AnyGold = EntityGold | MeetingGold | RoleGold | ProductGold | FigureGold | RelationGold

_MODELS: dict[str, type[AnyGold]] = {
    "entity": EntityGold,
    "meeting": MeetingGold,
    "role": RoleGold,
    "product": ProductGold,
    "figure": FigureGold,
    "relation": RelationGold,
}


def _explain(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(loc) for loc in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse_gold_line(text: str, line: int, origin: str = "gold") -> AnyGold | None:
    """One gold line -> its record, or None for a blank or `//` comment line."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped or stripped.startswith("//"):
        return None
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{origin}:{line}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise GoldError(f"{origin}:{line}: expected a JSON object, got {type(data).__name__}")
    kind = data.get("kind")
    model = _MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise GoldError(
            f"{origin}:{line}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})"
        )
    try:
        return model.model_validate({**data, "line": line})
    except ValidationError as exc:
        raise GoldError(f"{origin}:{line}: bad {kind} record: {_explain(exc)}") from None


def iter_gold(path: Path) -> Iterator[AnyGold]:
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise GoldError(f"{path}: cannot read gold file ({exc.strerror or exc})") from None
    with handle:
        try:
            for number, text in enumerate(handle, start=1):
                record = parse_gold_line(text, number, str(path))
                if record is not None:
                    yield record
        except UnicodeDecodeError:
            raise GoldError(f"{path}: gold file is not UTF-8 text") from None


def load_gold(path: Path) -> list[AnyGold]:
    """Every record of a gold file, in file order."""
    return list(iter_gold(path))
