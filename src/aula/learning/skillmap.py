"""The skill tree drawn as a map: a layered layout of the prerequisite DAG, and its SVG.

``layout`` is geometry only (boxes and edge paths), top to bottom: layer 0 holds the nodes
that need nothing, each later layer the nodes whose deepest prerequisite is one layer up. A
layer wider than ``max_per_row`` wraps onto several rows. Edges leave a prerequisite's bottom
and enter its dependent's top; an edge that would cross rows in between runs down a free lane
beside the boxes instead of through them. ``render_svg`` draws it, escaped and accessible.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from aula.content.graph import layers
from aula.content.model import SkillTree
from aula.i18n import N_, _, format_percent, ngettext
from aula.learning.skills import NodeProgress, NodeState

PHONE_WIDTH = 360.0
MARGIN = 8.0
GAP_X = 8.0
ROW_GAP = 16.0
LAYER_GAP = 36.0
PAD = 8.0
FONT_SIZE = 13.0
LINE_HEIGHT = 16.0
STATE_HEIGHT = 18.0
MAX_LINES = 4
CHAR_WIDTH = 0.6 * FONT_SIZE  # a generous average for proportional sans-serif text
STATE_FONT_SIZE = 12.0
STATE_CHAR_WIDTH = 0.55 * STATE_FONT_SIZE
ICON_SPACE = 21.0  # the state icon (16 px) and a gap, before the state's words
LANE_CLEARANCE = 2.0
MIN_BOX_WIDTH = 100.0


@dataclass(frozen=True)
class Box:
    node_id: str
    title: str
    lines: tuple[str, ...]
    """The title wrapped to the box (the last line ends with … if it had to be cut)."""
    x: float
    y: float
    w: float
    h: float
    layer: int
    row: int

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


@dataclass(frozen=True)
class Edge:
    source: str
    """The prerequisite (upper)."""
    target: str
    """The dependent (lower)."""
    x1: float
    y1: float
    x2: float
    y2: float
    d: str
    """SVG path data, from (x1, y1) on the source's bottom to (x2, y2) on the target's top."""
    lane: float | None = None
    """The x of the vertical run past rows in between, when there are any."""


@dataclass(frozen=True)
class SkillMapLayout:
    title: str
    width: float
    height: float
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]

    def box(self, node_id: str) -> Box:
        return next(b for b in self.boxes if b.node_id == node_id)


def layout(tree: SkillTree, width: float = PHONE_WIDTH, max_per_row: int = 3) -> SkillMapLayout:
    """Place the tree's nodes in rows inside ``width`` and route the edges between them."""
    if max_per_row < 1:
        raise ValueError("max_per_row must be at least 1")
    edges_in = {n.id: n.prerequisites for n in tree.nodes}
    titles = {n.id: n.title for n in tree.nodes}
    # fewer boxes a row than asked when the width would make them too narrow to read
    fit = int((width - 2 * MARGIN + GAP_X) // (MIN_BOX_WIDTH + GAP_X))
    per_row = max(1, min(max_per_row, fit))
    rows: list[tuple[int, list[str]]] = [
        (depth, layer[i : i + per_row])
        for depth, layer in enumerate(layers(edges_in))
        for i in range(0, len(layer), per_row)
    ]
    cols = max((len(r) for _, r in rows), default=1)
    box_w = max(1.0, (width - 2 * MARGIN - (cols - 1) * GAP_X) / cols)
    chars = max(4, int((box_w - 2 * PAD) // CHAR_WIDTH))
    wrapped = {i: _wrap(t, chars) for i, t in titles.items()}
    lines = max((len(w) for w in wrapped.values()), default=1)
    box_h = PAD + lines * LINE_HEIGHT + 4 + STATE_HEIGHT + PAD

    boxes: list[Box] = []
    y = MARGIN
    for r, (depth, ids) in enumerate(rows):
        if r:
            y += LAYER_GAP if depth != rows[r - 1][0] else ROW_GAP
        span = len(ids) * box_w + (len(ids) - 1) * GAP_X
        x = (width - span) / 2
        for node_id in ids:
            boxes.append(
                Box(node_id, titles[node_id], wrapped[node_id], x, y, box_w, box_h, depth, r)
            )
            x += box_w + GAP_X
        y += box_h
    height = y + MARGIN if boxes else 2 * MARGIN
    by_id = {b.node_id: b for b in boxes}
    pairs = [(p, n.id) for n in tree.nodes for p in dict.fromkeys(n.prerequisites) if p in by_id]
    return SkillMapLayout(
        tree.title, width, height, tuple(boxes), _route(pairs, by_id, boxes, width)
    )


def _wrap(title: str, chars: int) -> tuple[str, ...]:
    lines = textwrap.wrap(title, chars, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], lines[MAX_LINES - 1][: max(1, chars - 1)] + "…"]
    return tuple(lines)


def _route(
    pairs: list[tuple[str, str]], by_id: Mapping[str, Box], boxes: list[Box], width: float
) -> tuple[Edge, ...]:
    # Spread the edges leaving (entering) one box along its bottom (top), ordered by where
    # the other end lies, so that edges from one box do not cross each other at the start.
    def ports(
        ends: dict[str, list[str]], other: Callable[[str], Box]
    ) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = {}
        for node_id, others in ends.items():
            box = by_id[node_id]
            ordered = sorted(others, key=lambda o: other(o).x)
            for i, o in enumerate(ordered):
                out[node_id, o] = box.x + box.w * (i + 1) / (len(ordered) + 1)
        return out

    outgoing: dict[str, list[str]] = {}
    incoming: dict[str, list[str]] = {}
    for src, dst in pairs:
        outgoing.setdefault(src, []).append(dst)
        incoming.setdefault(dst, []).append(src)
    out_x = ports(outgoing, lambda o: by_id[o])
    in_x = ports(incoming, lambda o: by_id[o])

    edges = []
    for src, dst in pairs:
        a, b = by_id[src], by_id[dst]
        x1, y1, x2, y2 = out_x[src, dst], a.bottom, in_x[dst, src], b.y
        between = [box for box in boxes if a.row < box.row < b.row]
        if not between:
            mid = (y1 + y2) / 2
            d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"
            edges.append(Edge(src, dst, x1, y1, x2, y2, d))
            continue
        lane = _lane(between, x1, x2, width)
        top = min(box.y for box in between)
        low = max(box.bottom for box in between)
        m1, m2 = (y1 + top) / 2, (low + y2) / 2
        d = (
            f"M{x1:.1f},{y1:.1f} C{x1:.1f},{m1:.1f} {lane:.1f},{m1:.1f} {lane:.1f},{top:.1f}"
            f" L{lane:.1f},{low:.1f} C{lane:.1f},{m2:.1f} {x2:.1f},{m2:.1f} {x2:.1f},{y2:.1f}"
        )
        edges.append(Edge(src, dst, x1, y1, x2, y2, d, lane))
    return tuple(edges)


def _lane(between: list[Box], x1: float, x2: float, width: float) -> float:
    """An x free of every box in the rows an edge passes, as near its ends as possible."""
    candidates = {x1, x2, (x1 + x2) / 2, MARGIN / 2, width - MARGIN / 2}
    for box in between:
        candidates.update({box.x - GAP_X / 2, box.right + GAP_X / 2})

    def free(x: float) -> bool:
        return all(not (b.x - LANE_CLEARANCE < x < b.right + LANE_CLEARANCE) for b in between)

    ok = [x for x in candidates if free(x)]
    return min(ok, key=lambda x: (abs(x - x1) + abs(x - x2), x)) if ok else MARGIN / 2


STATE_LABEL: dict[NodeState, str] = {
    "locked": N_("Locked"),
    "available": N_("Available"),
    "in_progress": N_("In progress"),
    "mastered": N_("Mastered"),
}

# State is told by shape and words, never colour alone: a padlock, an empty ring, a half-filled
# ring, a ring with a tick; locked boxes are dashed, mastered ones have a double border.
_ICON: dict[NodeState, str] = {
    "locked": (
        '<path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="currentColor" '
        'stroke-width="1.6"/><rect x="2.5" y="7" width="11" height="8" rx="1.5" '
        'fill="currentColor"/>'
    ),
    "available": (
        '<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.6"/>'
    ),
    "in_progress": (
        '<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.6"/>'
        '<path d="M8 2a6 6 0 0 1 0 12z" fill="currentColor"/>'
    ),
    "mastered": (
        '<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M4.5 8.3l2.4 2.4 4.6-5" '
        'fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" '
        'stroke-linejoin="round"/>'
    ),
}


def render_svg(
    layout: SkillMapLayout,
    states: Mapping[str, NodeProgress | NodeState],
    link_for: Callable[[str], str | None],
    *,
    id_prefix: str = "skill-map",
) -> str:
    """A complete ``<svg>`` element for the map. Every text is escaped.

    Each node is a link (``link_for(node_id)``; None for no link) whose ``aria-label`` and
    ``<title>`` name the node, its state and, when locked, what unlocks it. Style it with the
    classes ``node``, ``node-<state>``, ``node-box``, ``node-title``, ``node-state``, ``edge``.
    """
    p = escape(id_prefix)
    kinds = {b.node_id: _state(states.get(b.node_id)) for b in layout.boxes}
    done = sum(1 for s in kinds.values() if s == "mastered")
    label = f"{layout.title}: " + ngettext(
        "%(done)s of %(num)d node mastered",
        "%(done)s of %(num)d nodes mastered",
        len(layout.boxes),
        done=done,
    )
    w, h = f"{layout.width:g}", f"{layout.height:.0f}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="skill-map" viewBox="0 0 {w} {h}" '
        f'width="{w}" height="{h}" role="group" aria-labelledby="{p}-title">',
        f'<title id="{p}-title">{escape(label)}</title>',
        f'<defs><marker id="{p}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="currentColor"/>'
        "</marker></defs>",
        '<g class="edges" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5">',
    ]
    for e in layout.edges:
        out.append(
            f'<path class="edge edge-{kinds[e.source]}" d="{e.d}" marker-end="url(#{p}-arrow)"/>'
        )
    out.append('</g><g class="nodes">')
    for box in layout.boxes:
        out.append(_node(box, kinds[box.node_id], states.get(box.node_id), link_for(box.node_id)))
    out.append("</g></svg>")
    return "".join(out)


def _state(value: NodeProgress | NodeState | None) -> NodeState:
    if value is None:
        return "locked"
    return value if isinstance(value, str) else value.state


def describe(title: str, state: NodeState, progress: NodeProgress | None) -> str:
    """The node as a screen reader announces it."""
    text = f"{title}: {_(STATE_LABEL[state]).lower()}"
    if progress is None:
        return text
    if state == "locked" and progress.missing:
        return f"{text}. " + _("Master %(skills)s to unlock it.", skills=_and(progress.missing))
    if state == "in_progress":
        percent = format_percent(progress.percent / 100)
        return f"{text}, {percent}. {progress.next_step or progress.rule}"
    if state == "available":
        return f"{text}. {progress.rule}"
    return text


def _and(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + _(" and ") + names[-1]


def _node(
    box: Box, state: NodeState, value: NodeProgress | NodeState | None, href: str | None
) -> str:
    progress = value if isinstance(value, NodeProgress) else None
    spoken = escape(describe(box.title, state, progress))
    x, y, w, h = box.x, box.y, box.w, box.h
    dash = ' stroke-dasharray="5 3"' if state == "locked" else ""
    fill = "#f2f2f2" if state == "locked" else "#fff"
    parts = [
        f"<title>{spoken}</title>",
        f'<rect class="node-box" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        f'rx="8" fill="{fill}" stroke="currentColor" stroke-width="1.5"{dash}/>',
    ]
    if state == "mastered":
        parts.append(
            f'<rect class="node-ring" x="{x + 3:.1f}" y="{y + 3:.1f}" width="{w - 6:.1f}" '
            f'height="{h - 6:.1f}" rx="6" fill="none" stroke="currentColor" stroke-width="1"/>'
        )
    text_x = x + PAD
    parts.append(
        f'<text class="node-title" x="{text_x:.1f}" y="{y + PAD:.1f}" font-size="{FONT_SIZE:g}" '
        f'font-weight="600" fill="currentColor">'
    )
    for line in box.lines:
        parts.append(f'<tspan x="{text_x:.1f}" dy="{LINE_HEIGHT:g}">{escape(line)}</tspan>')
    parts.append("</text>")
    state_y = y + h - PAD - STATE_HEIGHT
    parts.append(
        f'<g class="node-icon" aria-hidden="true" transform="translate({text_x:.1f} '
        f'{state_y + 1:.1f})">{_ICON[state]}</g>'
    )
    words = _(STATE_LABEL[state])
    if progress is not None and state == "in_progress":
        # the percentage when it fits; the bar and the label carry it anyway
        longer = f"{words} · {format_percent(progress.percent / 100)}"
        if len(longer) * STATE_CHAR_WIDTH <= w - 2 * PAD - ICON_SPACE:
            words = longer
    parts.append(
        f'<text class="node-state" x="{text_x + ICON_SPACE:.1f}" y="{state_y + 13:.1f}" '
        f'font-size="{STATE_FONT_SIZE:g}" fill="currentColor">{escape(words)}</text>'
    )
    if progress is not None and state == "in_progress":
        bar = (w - 2 * PAD) * progress.percent / 100
        parts.append(
            f'<rect class="node-progress" x="{text_x:.1f}" y="{y + h - 5:.1f}" '
            f'width="{bar:.1f}" height="3" rx="1.5" fill="currentColor" aria-hidden="true"/>'
        )
    inner = "".join(parts)
    cls = f"node node-{state}"
    if href is None:
        return f'<g class="{cls}" role="img" aria-label="{spoken}">{inner}</g>'
    return f'<a class="{cls}" href="{escape(href)}" aria-label="{spoken}">{inner}</a>'
