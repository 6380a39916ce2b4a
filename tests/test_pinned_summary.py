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
    "footwear/collective_mark": "8399048189776a8285db9bfd2db692e88ad3ff4676810ac3ffe63e62742e1621",
    "optoelectronics/exhibition_promotion": "0f776e908ed861a225985d013da49a9ee6ab12dd03a0970fbd1be34c5b8c146a",
    "footwear/share_marketing_channel": "720a2ba414e6491e6465c118091c21dc13c84fd29f07a7e5405593e57d209c33",
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


if __name__ == "__main__":  # python tests/test_pinned_summary.py: print the current hashes
    for key in RUNS:
        print(f'    "{key}": "{summary_hash(key)}",')
