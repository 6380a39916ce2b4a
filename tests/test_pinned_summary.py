"""Regression pin: the summary of fixed small runs, hashed.

Any change of simulation results changes these hashes. That is allowed only deliberately: the
commit that changes a pin says why (a fixed bug, a new mechanism, a re-keyed random stream). A
refactor that is meant to keep results must leave every pin as it is.
"""

from __future__ import annotations

import hashlib

import pytest

import clustermarketing as cm

# example/model (120 firms, 8 periods, 2 replicates, seed 11) -> sha256 of the summary JSON
RUNS = {
    "footwear/collective_mark": "1e459d03fd12220fa1a6b15c27a82b5b1c6596a929664eedbf17f072ffaa8448",
    "optoelectronics/exhibition_promotion": "d01fbf9b142348dcd08a6e1b44eb35ef7474dea771f0c8963f4d79127313b572",
    "footwear/share_marketing_channel": "d4faa3e81de6d2f4828f46440480afeee0ed57f911611f3efb389f8758051ad7",
}


def summary_hash(key: str) -> str:
    example, model = key.split("/")
    sc = cm.load_scenario(example, ["firms.count=120"])
    res = cm.simulate(sc, model=model, periods=8, replicates=2, seed=11)
    return hashlib.sha256(res.to_json().encode()).hexdigest()


@pytest.mark.parametrize("key", list(RUNS))
def test_summary_is_pinned(key: str) -> None:
    assert summary_hash(key) == RUNS[key], (
        "simulation results changed; if deliberate, update the pin and say why in the commit"
    )


if __name__ == "__main__":  # python tests/test_pinned_summary.py [--write]: print or rewrite pins
    import re
    import sys
    from pathlib import Path

    lines = "".join(f'    "{key}": "{summary_hash(key)}",\n' for key in RUNS)
    if "--write" in sys.argv:
        path = Path(__file__)
        text = path.read_text()
        path.write_text(
            re.sub(r"RUNS = \{\n.*?\n\}\n", "RUNS = {\n" + lines + "}\n", text, flags=re.S)
        )
    print(lines, end="")
