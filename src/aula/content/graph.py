"""Prerequisite graphs: finding cycles and ordering nodes in layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def find_cycle(edges: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle as ``[a, b, c, a]`` (each needs the next), or None. Unknown names are ignored."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in edges:
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def layers(edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Nodes grouped by depth: layer 0 needs nothing, layer k needs something in layer k-1.

    ``edges`` maps each node to its prerequisites and must be acyclic. Order inside a layer
    follows the mapping's order, so authors control left-to-right placement.
    """
    depth: dict[str, int] = {}

    def depth_of(node: str) -> int:
        if node not in depth:
            prereqs = [p for p in edges.get(node, ()) if p in edges]
            depth[node] = 1 + max((depth_of(p) for p in prereqs), default=-1)
        return depth[node]

    for node in edges:
        depth_of(node)
    out: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node in edges:
        out[depth[node]].append(node)
    return out
