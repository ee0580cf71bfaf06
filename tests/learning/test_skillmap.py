from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from aula.content import load_course
from aula.content.model import Lesson
from aula.learning import NODE_STATES, layout, render_svg, skill_states
from aula.learning.skillmap import Box

from .builders import History, lesson, lessons, node, question

SVG = "{http://www.w3.org/2000/svg}"


def overlap(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def wide_lesson(per_layer: int = 5) -> Lesson:
    """A root, a wide layer that must wrap, and a node that needs the root directly (an edge
    that passes the wrapped rows) and the last of the wide layer."""
    wide = [node(f"w{i}", [question(f"qw{i}", f"w{i}")], ["root"]) for i in range(per_layer)]
    return lesson(
        [
            node("root", [question("qr", "root")], title="Where it starts"),
            *wide,
            node("end", [question("qe", "end")], ["root", f"w{per_layer - 1}"]),
        ]
    )


@settings(max_examples=80, deadline=None)
@given(lessons(max_nodes=9), st.sampled_from([280.0, 360.0, 800.0]), st.integers(1, 4))
def test_layout_geometry(le: Lesson, width: float, per_row: int) -> None:
    lay = layout(le.skill_tree, width, per_row)
    boxes = {b.node_id: b for b in lay.boxes}
    assert set(boxes) == {n.id for n in le.skill_tree.nodes}
    for a in lay.boxes:
        assert a.x >= 0 and a.right <= width and a.y >= 0 and a.bottom <= lay.height
        for b in lay.boxes:
            assert a is b or not overlap(a, b)
    rows: dict[int, int] = {}
    for b in lay.boxes:
        rows[b.row] = rows.get(b.row, 0) + 1
    assert max(rows.values()) <= per_row
    assert all(b.w >= 100 for b in lay.boxes)  # readable, even if that means fewer a row
    pairs = {(p, n.id) for n in le.skill_tree.nodes for p in n.prerequisites}
    assert {(e.source, e.target) for e in lay.edges} == pairs
    for e in lay.edges:
        src, dst = boxes[e.source], boxes[e.target]
        assert src.layer < dst.layer and src.bottom < dst.y  # downward, upper to lower
        assert (e.y1, e.y2) == (src.bottom, dst.y)
        assert src.x <= e.x1 <= src.right and dst.x <= e.x2 <= dst.right
        assert e.d.startswith(f"M{e.x1:.1f},{e.y1:.1f}") and e.d.endswith(f"{e.x2:.1f},{e.y2:.1f}")
        between = [b for b in lay.boxes if src.row < b.row < dst.row]
        assert (e.lane is not None) == bool(between)
        for b in between:  # the vertical run passes beside every box in between
            assert e.lane is not None and not (b.x < e.lane < b.right)


def test_a_wide_layer_wraps_and_fits_a_phone() -> None:
    lay = layout(wide_lesson(5).skill_tree, 360)
    assert lay.width == 360
    assert [b.row for b in lay.boxes] == [0, 1, 1, 1, 2, 2, 3]
    assert all(b.right <= 360 for b in lay.boxes)
    long = next(e for e in lay.edges if (e.source, e.target) == ("root", "end"))
    assert long.lane is not None


def test_long_titles_wrap_and_are_cut_with_an_ellipsis() -> None:
    title = "The Great Divide: Convenience vs. Control, and then some more words"
    lay = layout(lesson([node("a", title=title), node("b"), node("c")]).skill_tree, 360, 3)
    box = lay.box("a")
    assert box.w < 120
    assert len(box.lines) == 4 and box.lines[-1].endswith("…")
    assert box.title == title
    assert all(len(line) * 0.6 * 13 <= box.w - 16 for line in box.lines)
    assert lay.box("b").lines == ("Node b",) and lay.box("b").h == box.h


def render(le: Lesson, attempts: History | None = None) -> tuple[str, ET.Element]:
    states = skill_states(le, attempts.attempts if attempts else [], 0.95)
    svg = render_svg(layout(le.skill_tree), states, lambda n: f"/lesson/l/node/{n}?a=1&b=2")
    return svg, ET.fromstring(svg)


def test_svg_is_well_formed_accessible_and_escaped() -> None:
    evil = '<script>alert("x")</script> & co'
    le = lesson(
        [
            node("a", [question("qa", "a")], title=evil),
            node("b", [question("qb", "b")], ["a"], title="Second"),
        ]
    )
    svg, root = render(le)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert root.tag == f"{SVG}svg" and root.get("role") == "group"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Tree: 0 of 2 nodes mastered"
    links = root.findall(f".//{SVG}a")
    assert [a.get("class") for a in links] == ["node node-available", "node node-locked"]
    assert links[0].get("href") == "/lesson/l/node/a?a=1&b=2"
    labels = [a.get("aria-label") or "" for a in links]
    assert labels[0].startswith(evil + ": available")
    assert labels[1] == f"Second: locked. Master {evil} to unlock it."
    for a in links:  # each node names itself for pointer users too
        t = a.find(f"{SVG}title")
        assert t is not None and t.text == a.get("aria-label")
    # the state is in words, not only in colour
    words = [
        "".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("class") == "node-state"
    ]
    assert words == ["Available", "Locked"]


def test_every_state_has_its_class_icon_and_words() -> None:
    le = lesson(
        [
            node("m", [question(f"qm{i}", "m") for i in range(6)], title="Mastered one"),
            node("p", [question(f"qp{i}", "p") for i in range(6)], title="Begun one"),
            node("v", [question("qv", "v")], ["m"], title="Open one"),
            node("l", [question("ql", "l")], ["p"], title="Shut one"),
        ]
    )
    h = History()
    for q in le.skill_tree.nodes[0].questions[:5]:
        h.answer(q, True)
    h.answer(le.skill_tree.nodes[1].questions[0], True)
    _, root = render(le, h)
    classes = [a.get("class") for a in root.findall(f".//{SVG}a")]
    assert sorted(c.split()[1] for c in classes if c) == sorted(f"node-{s}" for s in NODE_STATES)
    progress = root.find(f".//{SVG}a[@class='node node-in_progress']")
    assert progress is not None
    label = progress.get("aria-label") or ""
    assert label.startswith("Begun one: in progress, ") and "%" in label
    assert progress.find(f".//{SVG}rect[@class='node-progress']") is not None
    ring = root.find(f".//{SVG}a[@class='node node-mastered']/{SVG}rect[@class='node-ring']")
    assert ring is not None


def test_nodes_without_a_link_are_labelled_images() -> None:
    le = lesson([node("a", [question("qa", "a")])])
    svg = render_svg(layout(le.skill_tree), {"a": "available"}, lambda _n: None)
    root = ET.fromstring(svg)
    g = root.find(f".//{SVG}g[@class='node node-available']")
    assert g is not None and g.get("role") == "img" and g.get("aria-label") == "Node a: available"
    assert root.find(f".//{SVG}a") is None


def test_the_built_in_tree_fits_a_phone() -> None:
    course = load_course(run_snippets=False)
    tree = course.lessons[0].skill_tree
    lay = layout(tree)
    assert all(b.right <= 360 for b in lay.boxes)
    assert len({b.layer for b in lay.boxes}) == len({b.row for b in lay.boxes})  # no wrapping
    ET.fromstring(render_svg(lay, skill_states(course.lessons[0], [], 0.95), lambda n: n))
