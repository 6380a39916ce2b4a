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
    "footwear/collective_mark": "3d8e912f497854851bf7c9ce4441a45970e1b09a7149374b90b35189535a00ca",
    "optoelectronics/exhibition_promotion": (
        "62c5b55976279451312d6f066932b8356bfd6636dfea5145551621be459f5f77"
    ),
    "footwear/share_marketing_channel": (
        "dca05864e46cd20a9bcc5d539c817e31778edf182b7a1d68e783b2e6e7295aad"
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
