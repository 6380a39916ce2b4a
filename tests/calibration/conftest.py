"""Shared fixtures: pyblp's shipped Nevo (2000) cereal data and its logit estimate (once)."""

from __future__ import annotations

import pandas as pd
import pytest

pyblp = pytest.importorskip("pyblp")


@pytest.fixture(scope="session")
def nevo() -> pd.DataFrame:
    """Nevo's (2000) fake-cereal product data as shipped with pyblp: 94 markets × 24 products."""
    return pd.read_csv(pyblp.data.NEVO_PRODUCTS_LOCATION)


@pytest.fixture(scope="session")
def nevo_logit(nevo):
    """Plain logit, product fixed effects, the 20 supplied instruments, 2-step GMM."""
    from clustermarketing.calibration import estimate_demand

    return estimate_demand(nevo, product="product_ids", absorb=("product_ids",))


@pytest.fixture(scope="session")
def nevo_small(nevo) -> pd.DataFrame:
    """The first 30 markets (720 rows): the same data, for the slower end-to-end tests."""
    return nevo[nevo["market_ids"].isin(nevo["market_ids"].unique()[:30])].reset_index(drop=True)
