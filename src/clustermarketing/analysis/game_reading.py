"""The sentences that say what a coalition game's numbers mean, and how its amounts are printed.

Shared by ``clustermarketing game`` and the web app's games page, so that both say the same
thing in the same format. Pure functions of the JSON-ready result dictionary.
"""

from __future__ import annotations

import math
from typing import Any


def decimals(scale: float) -> int:
    """Decimals that show about 5 significant digits of the game's largest value (0–4)."""
    if scale <= 0 or not math.isfinite(scale):
        return 4
    return int(min(4, max(0, 4 - math.floor(math.log10(scale)))))


def format_amount(x: float, decimals: int) -> str:
    """``x`` with thousands separators and ``decimals`` decimals; never "-0.0000".

    >>> format_amount(-0.00001, 4), format_amount(149206.2, 0), format_amount(-2.5, 2)
    ('0.0000', '149,206', '-2.50')
    """
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text


def coalition_name(players: list[str] | tuple[str, ...]) -> str:
    return "{" + ", ".join(players) + "}"


def game_reading(result: dict[str, Any]) -> list[str]:
    """A few sentences saying what the numbers mean (core, least core, blocking coalitions)."""
    cost = result["kind"] == "cost"
    unit = f" {result['unit']}" if result.get("unit") else ""
    scale = max([abs(v) for v in result["coalition_values"].values()] or [1.0])
    d = decimals(scale)
    vn = result["grand_coalition_value"]
    eps = result["least_core_epsilon"]
    n = len(result["players"])

    def amount(x: float) -> str:
        return f"{format_amount(x, d)}{unit}"

    pct = f" ({abs(eps) / abs(vn):.1%} of {'c' if cost else 'v'}(N))" if vn else ""
    lines = [
        f"{'c' if cost else 'v'}(N) = {amount(vn)}: "
        + (
            f"what serving all {n} players together costs, to be shared."
            if cost
            else f"what all {n} players gain together, to be shared."
        )
    ]
    if result["core_empty"]:
        lines.append(
            "The core is empty: every split leaves some coalition "
            + ("paying more than it would alone. " if cost else "better off on its own. ")
            + f"The least-core ε = {amount(eps)}{pct} is how much going alone would have to "
            "cost every coalition (an exit fee, or support kept only inside the grand "
            "coalition) before some split kept all of them in."
        )
    elif eps < 0:
        lines.append(
            "The core is non-empty: some splits give every coalition "
            + ("a share no larger than its own cost" if cost else "at least what it gets alone")
            + f". In the least core every coalition is {amount(-eps)}{pct} better off than "
            "on its own: the margin of the most stable split."
        )
    else:
        lines.append(
            "The core is non-empty but has no slack (least-core ε = 0): in every stable split "
            "some coalition is exactly indifferent to leaving."
        )
    inside = [name for name, a in result["allocations"].items() if a["in_core"]]
    everyone = set(result["players"])
    for name, a in result["allocations"].items():
        if a["in_core"]:
            continue
        label = a.get("method", name)
        verb = "save" if cost else "gain"
        if not a.get("efficient", True):
            pieces = (
                "each union shares only its own worth"
                if name == "aumann_dreze"
                else "each component of the graph shares only its own worth"
                if name == "myerson"
                else "it does not share exactly " + ("c(N)" if cost else "v(N)")
            )
            text = (
                f"{label}: {'charges' if cost else 'hands out'} {amount(a['total'])} in all, "
                f"not {'c' if cost else 'v'}(N) = {amount(vn)} ({pieces})"
            )
            if set(a["blocking_coalition"]) != everyone:
                text += (
                    f"; {coalition_name(a['blocking_coalition'])} would {verb} "
                    f"{amount(a['max_excess'])} by leaving"
                )
            lines.append(text + ".")
            continue
        lines.append(
            f"{label}: blocked by {coalition_name(a['blocking_coalition'])}, which would {verb} "
            f"{amount(a['max_excess'])} by leaving."
        )
    if inside:
        labels = [result["allocations"][k].get("method", k) for k in inside]
        lines.append(f"In the core: {', '.join(labels)}.")
    return lines


__all__ = ["coalition_name", "decimals", "format_amount", "game_reading"]
