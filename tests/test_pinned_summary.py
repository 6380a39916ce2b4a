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
    "footwear/collective_mark": "cdb6c11eff4cdfb925b6cf59865635a9754c3a4c62ee04d17e7c32dc26ffe326",
    "optoelectronics/exhibition_promotion": "df8900551a93321ba9dadc5ae87838cb76dcedcf866e4ff9369291644abe2593",
    "footwear/share_marketing_channel": "091307f12308ccc48d9d6bb54554b1fd5ec329467723ffb4b15344474050d04f",
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
