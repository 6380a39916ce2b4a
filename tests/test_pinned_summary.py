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
    "footwear/collective_mark": "5fce93b507269624d9b4fdee5d5b7fe959039c4122335463ee5cdd847726377d",
    "optoelectronics/exhibition_promotion": (
        "501ee971b3db054e122db656f76a51e9828be510682014e4462e8edbf5c0370d"
    ),
    "footwear/share_marketing_channel": (
        "ddb3d0ffd18be45aab4c010b87bbc02eac1362745d37103f30b2555ca9f4294f"
    ),
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
