"""The meeting network around a person, drawn as SVG, PNG or a self-contained HTML page.

`meeting_graph` reads v_meetings (the same rows `kb who-met` shows); `radial_layout`
places the person in the middle, the people they met on a ring around them and, at
depth 2, the people *those* met on an outer ring, each near the one who met them.
The renderers only draw: SVG and HTML are written by hand (the HTML page embeds the
SVG and a few lines of script for hover and drag: nothing is fetched when it opens),
PNG is drawn with Pillow.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, text

from kb.errors import UsageError
from kb.query import candidates_by_id

GRAPH_SUFFIXES = (".svg", ".png", ".html")
DEPTH_COLOURS = {0: "#c0392b", 1: "#2e86c1", 2: "#85c1e9"}
EDGE_COLOUR = "#8c99a6"
CROSS_EDGE_COLOUR = "#d5dbe0"
LABEL_COLOUR = "#1c2833"
DATE_COLOUR = "#5d6d7e"
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_FILES = (
    "DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


@dataclass(frozen=True)
class GraphNode:
    entity_id: int
    name: str
    type: str
    mentions: int
    depth: int


@dataclass(frozen=True)
class GraphEdge:
    """Meetings of two people (ids in ascending order); `dates` newest first."""

    source: int
    target: int
    dates: tuple[str, ...]

    @property
    def label(self) -> str:
        if len(self.dates) == 1:
            return self.dates[0]
        return f"{self.dates[0]} (+{len(self.dates) - 1})"


@dataclass(frozen=True)
class MeetingGraph:
    center: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    left_out: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "nodes": [vars(n) for n in self.nodes],
            "edges": [
                {"source": e.source, "target": e.target, "dates": list(e.dates)} for e in self.edges
            ],
            "left_out": self.left_out,
        }


def _meetings_among(
    conn: Connection, people: Iterable[int], others: Iterable[int] | None = None
) -> list[tuple[int, int, str, int]]:
    """(person_id, met_id, met_on, fact_id) of every meeting of `people` (with `others`)."""
    people = sorted(set(people))
    if not people:
        return []
    sql = "SELECT person_id, met_id, met_on, fact_id FROM v_meetings WHERE person_id IN :people"
    params: dict[str, Any] = {"people": people}
    binds: list[Any] = [bindparam("people", expanding=True)]
    if others is not None:
        sql += " AND met_id IN :others"
        params["others"] = sorted(set(others)) or [-1]
        binds.append(bindparam("others", expanding=True))
    rows = conn.execute(text(sql).bindparams(*binds), params)
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def meeting_graph(
    conn: Connection, person_id: int, *, depth: int = 1, max_nodes: int = 40
) -> MeetingGraph:
    """The person, who they met (most meetings first) and, at depth 2, who those met,
    up to `max_nodes` people; edges join every two people in the graph who met."""
    if depth not in (1, 2):
        raise UsageError(f"depth must be 1 or 2, not {depth}")
    max_nodes = max(1, max_nodes)
    meetings = _meetings_among(conn, [person_id])
    strength: dict[int, int] = defaultdict(int)
    for _, met_id, _, _ in meetings:
        strength[met_id] += 1
    ring1 = sorted(strength, key=lambda m: (-strength[m], m))
    left_out = max(0, len(ring1) - (max_nodes - 1))
    ring1 = ring1[: max_nodes - 1]
    depth_of = {person_id: 0, **{m: 1 for m in ring1}}
    meetings += _meetings_among(conn, ring1)
    if depth == 2:
        links: dict[int, int] = defaultdict(int)
        for person, met_id, _, _ in meetings:
            if person in depth_of and met_id not in depth_of:
                links[met_id] += 1
        ring2 = sorted(links, key=lambda m: (-links[m], m))
        room = max_nodes - len(depth_of)
        left_out += max(0, len(ring2) - room)
        for m in ring2[:room]:
            depth_of[m] = 2
        ring2_kept = [m for m, d in depth_of.items() if d == 2]
        meetings += _meetings_among(conn, ring2_kept, ring2_kept)
    dates: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for person, met_id, met_on, fact_id in meetings:
        if person in depth_of and met_id in depth_of and person != met_id:
            pair = (min(person, met_id), max(person, met_id))
            dates[pair][fact_id] = str(met_on or "")
    edges = [
        GraphEdge(a, b, tuple(sorted(by_fact.values(), reverse=True)))
        for (a, b), by_fact in sorted(dates.items())
    ]
    known = {c.entity_id: c for c in candidates_by_id(conn, depth_of)}
    nodes = [
        GraphNode(i, known[i].name, known[i].type, known[i].mention_count, depth_of[i])
        for i in sorted(depth_of, key=lambda i: (depth_of[i], -strength.get(i, 0), i))
        if i in known
    ]
    return MeetingGraph(person_id, nodes, edges, left_out)


# --- layout ------------------------------------------------------------------------------


@dataclass
class Layout:
    """Positions in pixels on a `width` × `height` canvas, a radius per node, and the
    edges of the drawing's tree (centre to ring 1, ring 1 to the ring-2 people placed
    next to them): those are labelled; other links are drawn lighter, dates on hover."""

    width: int
    height: int
    position: dict[int, tuple[float, float]] = field(default_factory=dict)
    radius: dict[int, float] = field(default_factory=dict)
    tree: set[tuple[int, int]] = field(default_factory=set)

    def in_tree(self, edge: GraphEdge) -> bool:
        return (edge.source, edge.target) in self.tree


def node_radius(mentions: int, most: int) -> float:
    return 7.0 + 17.0 * math.sqrt(mentions / most) if most > 0 else 7.0


# Room along a ring for one person's name or one edge's date label, in pixels.
RING_SLOT = 100.0


def radial_layout(graph: MeetingGraph) -> Layout:
    """Centre person in the middle; ring 1 in sectors sized by how many ring-2 people each
    brings, so that those sit on the outer ring next to the one who met them. Each ring-2
    person goes to the ring-1 person they met who has the fewest so far (sectors even)."""
    by_depth: dict[int, list[GraphNode]] = defaultdict(list)
    for node in graph.nodes:
        by_depth[node.depth].append(node)
    ring1 = [n.entity_id for n in by_depth[1]]
    ring2 = [n.entity_id for n in by_depth[2]]
    neighbours: dict[int, set[int]] = defaultdict(set)
    for edge in graph.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)
    children: dict[int, list[int]] = {m: [] for m in ring1}
    for m in ring2:
        parents = [p for p in ring1 if p in neighbours[m]] or ring1[:1]
        parent = min(parents, key=lambda p: (len(children[p]), ring1.index(p)))
        children[parent].append(m)
    # Spoke labels sit at 62 % of ring 1's radius: leave each a slot there.
    r1 = max(170.0, len(ring1) * RING_SLOT / (2 * math.pi * 0.62))
    r2 = max(r1 + 170.0, len(ring2) * RING_SLOT * 0.8 / (2 * math.pi)) if ring2 else r1
    margin = 190
    size = int(2 * (r2 + margin))
    cx = cy = size / 2
    layout = Layout(size, size)
    most = max((n.mentions for n in graph.nodes), default=0)
    for node in graph.nodes:
        layout.radius[node.entity_id] = node_radius(node.mentions, most)
    layout.position[graph.center] = (cx, cy)
    weights = [1 + len(children[m]) for m in ring1]
    total = sum(weights) or 1
    start = -math.pi / 2
    for m, weight in zip(ring1, weights, strict=True):
        sector = 2 * math.pi * weight / total
        middle = start + sector / 2
        layout.position[m] = (cx + r1 * math.cos(middle), cy + r1 * math.sin(middle))
        layout.tree.add((min(graph.center, m), max(graph.center, m)))
        kids = children[m]
        for k, kid in enumerate(kids):
            angle = start + sector * (k + 0.5) / len(kids)
            layout.position[kid] = (cx + r2 * math.cos(angle), cy + r2 * math.sin(angle))
            layout.tree.add((min(m, kid), max(m, kid)))
        start += sector
    return layout


def _label_anchor(layout: Layout, graph: MeetingGraph, node: GraphNode) -> tuple[float, float, str]:
    """Where a node's name goes: below the centre person, else outside on its spoke."""
    x, y = layout.position[node.entity_id]
    r = layout.radius[node.entity_id]
    if node.entity_id == graph.center:
        return x, y + r + 16, "middle"
    cx, cy = layout.position[graph.center]
    angle = math.atan2(y - cy, x - cx)
    dx, dy = math.cos(angle), math.sin(angle)
    if abs(dx) < 0.35:
        return x, y + (r + 16 if dy > 0 else -r - 7), "middle"
    return x + dx * (r + 5), y + dy * (r + 5) + 4, "start" if dx > 0 else "end"


def _edge_label_point(layout: Layout, edge: GraphEdge, graph: MeetingGraph) -> tuple[float, float]:
    (x1, y1), (x2, y2) = layout.position[edge.source], layout.position[edge.target]
    share = 0.5
    if graph.center in (edge.source, edge.target):
        share = 0.62 if edge.source == graph.center else 0.38
    return x1 + (x2 - x1) * share, y1 + (y2 - y1) * share


def _edge_style(layout: Layout, edge: GraphEdge) -> tuple[str, float]:
    """Colour and width: more meetings, thicker; links outside the tree, light and thin."""
    if not layout.in_tree(edge):
        return CROSS_EDGE_COLOUR, 1.0
    return EDGE_COLOUR, 1.5 + min(4.0, len(edge.dates) - 1)


def _title(graph: MeetingGraph) -> str:
    center = next(n for n in graph.nodes if n.entity_id == graph.center)
    return f"Meetings of {center.name}"


def _caption(graph: MeetingGraph) -> str:
    people = len(graph.nodes) - 1
    caption = f"{people} {'person' if people == 1 else 'people'}, {len(graph.edges)} links"
    if graph.left_out:
        caption += f" ({graph.left_out} more left out)"
    return caption + "; circle size: mentions; label: latest meeting (+ how many more)"


# --- SVG and HTML ------------------------------------------------------------------------


def render_svg(graph: MeetingGraph, layout: Layout | None = None) -> str:
    """A standalone SVG document. Nodes and edges carry data-* attributes and <title>
    tooltips; the HTML page's script uses the same markup."""
    layout = layout or radial_layout(graph)
    names = {n.entity_id: n.name for n in graph.nodes}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" '
        f'height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}" '
        f'font-family="{FONT_FAMILY}">',
        f"<title>{escape(_title(graph))}</title>",
        f'<rect width="{layout.width}" height="{layout.height}" fill="#ffffff"/>',
        f'<text x="20" y="34" font-size="22" font-weight="bold" fill="{LABEL_COLOUR}">'
        f"{escape(_title(graph))}</text>",
        f'<text x="20" y="56" font-size="13" fill="{DATE_COLOUR}">{escape(_caption(graph))}</text>',
        '<g class="edges">',
    ]
    for edge in sorted(graph.edges, key=layout.in_tree):
        (x1, y1), (x2, y2) = layout.position[edge.source], layout.position[edge.target]
        lx, ly = _edge_label_point(layout, edge, graph)
        colour, width = _edge_style(layout, edge)
        tooltip = f"{names[edge.source]} – {names[edge.target]}: " + ", ".join(edge.dates)
        label = escape(edge.label) if layout.in_tree(edge) else ""
        out.append(
            f'<g class="edge" data-source="{edge.source}" data-target="{edge.target}">'
            f"<title>{escape(tooltip)}</title>"
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="{width:.1f}"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" text-anchor="middle" '
            f'fill="{DATE_COLOUR}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f"{label}</text></g>"
        )
    out.append("</g>")
    out.append('<g class="nodes">')
    for node in graph.nodes:
        x, y = layout.position[node.entity_id]
        r = layout.radius[node.entity_id]
        tx, ty, anchor = _label_anchor(layout, graph, node)
        weight = ' font-weight="bold"' if node.depth == 0 else ""
        tooltip = f"{node.name} ({node.type}): {node.mentions} mentions"
        out.append(
            f'<g class="node" data-id="{node.entity_id}" data-depth="{node.depth}">'
            f"<title>{escape(tooltip)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{DEPTH_COLOURS[node.depth]}" '
            'stroke="#ffffff" stroke-width="2"/>'
            f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{15 if node.depth == 0 else 13}" '
            f'text-anchor="{anchor}" fill="{LABEL_COLOUR}" stroke="#ffffff" stroke-width="4" '
            f'paint-order="stroke"{weight}>{escape(node.name)}</text></g>'
        )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


# Hover shows a person's meetings; dragging a person moves their edges and labels along.
_HTML_SCRIPT = """
(function () {
  const svg = document.querySelector("#graph svg");
  const edges = Array.from(svg.querySelectorAll(".edge"));
  const nodes = new Map(
    Array.from(svg.querySelectorAll(".node")).map((g) => [g.dataset.id, g]));
  const info = document.getElementById("info");
  const touches = (e, id) => e.dataset.source === id || e.dataset.target === id;
  function point(evt) {
    const p = svg.createSVGPoint();
    p.x = evt.clientX; p.y = evt.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function focus(id) {
    svg.classList.toggle("focused", id !== null);
    edges.forEach((e) => e.classList.toggle("on", touches(e, id)));
    const near = (key) => edges.some((e) => touches(e, id) && touches(e, key));
    nodes.forEach((g, key) => g.classList.toggle("on", key === id || near(key)));
    info.textContent = id === null
      ? info.dataset.idle
      : nodes.get(id).querySelector("title").textContent;
  }
  let dragging = null;
  nodes.forEach((g, id) => {
    g.addEventListener("mouseenter", () => { if (!dragging) focus(id); });
    g.addEventListener("mouseleave", () => { if (!dragging) focus(null); });
    g.addEventListener("pointerdown", (evt) => {
      const c = g.querySelector("circle");
      const p = point(evt);
      dragging = { g, id, dx: p.x - +c.getAttribute("cx"), dy: p.y - +c.getAttribute("cy") };
      g.setPointerCapture(evt.pointerId);
      evt.preventDefault();
    });
  });
  svg.addEventListener("pointermove", (evt) => {
    if (!dragging) return;
    const p = point(evt);
    const c = dragging.g.querySelector("circle");
    const t = dragging.g.querySelector("text");
    const x = p.x - dragging.dx, y = p.y - dragging.dy;
    const mx = x - +c.getAttribute("cx"), my = y - +c.getAttribute("cy");
    c.setAttribute("cx", x); c.setAttribute("cy", y);
    t.setAttribute("x", +t.getAttribute("x") + mx);
    t.setAttribute("y", +t.getAttribute("y") + my);
    edges.forEach((e) => {
      if (!touches(e, dragging.id)) return;
      const line = e.querySelector("line");
      const end = e.dataset.source === dragging.id ? "1" : "2";
      line.setAttribute("x" + end, x); line.setAttribute("y" + end, y);
      const label = e.querySelector("text");
      label.setAttribute("x", (+line.getAttribute("x1") + +line.getAttribute("x2")) / 2);
      label.setAttribute("y", (+line.getAttribute("y1") + +line.getAttribute("y2")) / 2);
    });
  });
  svg.addEventListener("pointerup", () => { dragging = null; });
})();
"""

_HTML_STYLE = """
body { font-family: DejaVu Sans, Verdana, Arial, sans-serif; margin: 0; color: #1c2833; }
header { padding: 10px 20px; border-bottom: 1px solid #d5dbdb; }
#info { color: #5d6d7e; min-height: 1.3em; }
#graph svg { display: block; max-width: 100%; height: auto; }
.node { cursor: grab; }
.focused .edge:not(.on), .focused .node:not(.on) { opacity: 0.2; }
.edge.on line { stroke: #c0392b; }
"""


def render_html(graph: MeetingGraph, layout: Layout | None = None) -> str:
    """One HTML file with the SVG inline, its style and script: it opens offline."""
    title = escape(_title(graph))
    caption = escape(_caption(graph))
    data = json.dumps(graph.to_dict(), ensure_ascii=False).replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_HTML_STYLE}</style></head><body>\n"
        f'<header><strong>{title}</strong> <span id="info" data-idle="{caption}">{caption}'
        "</span></header>\n"
        f'<div id="graph">{render_svg(graph, layout)}</div>\n'
        f'<script type="application/json" id="graph-data">{data}</script>\n'
        f"<script>{_HTML_SCRIPT}</script>\n</body></html>\n"
    )


# --- PNG ---------------------------------------------------------------------------------


def _font(size: int) -> Any:
    from PIL import ImageFont

    for candidate in FONT_FILES:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def render_png(graph: MeetingGraph, path: Path, layout: Layout | None = None) -> None:
    """The same drawing as the SVG, rasterised with Pillow (drawn at twice the size and
    scaled down, for smooth lines)."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        raise UsageError(
            "PNG output needs Pillow: pip install pillow (or use .svg/.html)"
        ) from None
    layout = layout or radial_layout(graph)
    s = 2
    image = Image.new("RGB", (layout.width * s, layout.height * s), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20 * s, 14 * s), _title(graph), font=_font(22 * s), fill=LABEL_COLOUR)
    draw.text((20 * s, 44 * s), _caption(graph), font=_font(13 * s), fill=DATE_COLOUR)
    date_font = _font(10 * s)
    for edge in sorted(graph.edges, key=layout.in_tree):
        (x1, y1), (x2, y2) = layout.position[edge.source], layout.position[edge.target]
        colour, width = _edge_style(layout, edge)
        draw.line([(x1 * s, y1 * s), (x2 * s, y2 * s)], fill=colour, width=round(width * s))
    for edge in filter(layout.in_tree, graph.edges):
        lx, ly = _edge_label_point(layout, edge, graph)
        draw.text(
            (lx * s, ly * s),
            edge.label,
            font=date_font,
            fill=DATE_COLOUR,
            anchor="ms",
            stroke_width=3,
            stroke_fill="white",
        )
    for node in graph.nodes:
        x, y = layout.position[node.entity_id]
        r = layout.radius[node.entity_id]
        draw.ellipse(
            [(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s],
            fill=DEPTH_COLOURS[node.depth],
            outline="white",
            width=2 * s,
        )
    for node in graph.nodes:
        tx, ty, anchor = _label_anchor(layout, graph, node)
        draw.text(
            (tx * s, ty * s),
            node.name,
            font=_font((15 if node.depth == 0 else 13) * s),
            fill=LABEL_COLOUR,
            anchor={"start": "ls", "end": "rs", "middle": "ms"}[anchor],
            stroke_width=4,
            stroke_fill="white",
        )
    image = image.resize((layout.width, layout.height), Image.Resampling.LANCZOS)
    image.save(path, format="PNG", optimize=True)


def write_graph(graph: MeetingGraph, out: Path) -> None:
    """Write the drawing in the format `out`'s suffix names (.svg, .png or .html)."""
    suffix = out.suffix.lower()
    if suffix not in GRAPH_SUFFIXES:
        raise UsageError(
            f"cannot draw to {out.name!r}: the file must end in {', '.join(GRAPH_SUFFIXES)}"
        )
    layout = radial_layout(graph)
    if suffix == ".png":
        render_png(graph, out, layout)
    elif suffix == ".svg":
        out.write_text(render_svg(graph, layout), encoding="utf-8")
    else:
        out.write_text(render_html(graph, layout), encoding="utf-8")
