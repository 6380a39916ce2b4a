"""Bad product data: one clear error each (no pyblp needed), and Hypothesis fuzzing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustermarketing.calibration.data import CalibrationError, DemandSpec, check_products

SPEC = DemandSpec(market="m", firm="f", price="p", share="s", instruments=("z*",))


def good(markets: int = 3, products: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for m in range(markets):
        for j in range(products):
            rows.append(
                {"m": f"M{m}", "f": f"F{j}", "p": 1.0 + j, "s": 0.1 + 0.01 * j, "z0": rng.random()}
            )
    return pd.DataFrame(rows)


def test_good_data_pass() -> None:
    d = check_products(good(), SPEC)
    assert d.instruments == ("z0",)
    assert list(d.frame.columns) == ["market", "firm", "product", "price", "share"]


@pytest.mark.parametrize(
    ("mutate", "needles"),
    [
        (
            lambda d: d.rename(columns={"p": "prices"}),
            ["'p'", "--price", "missing", "columns are m, f, prices"],
        ),
        (lambda d: d.assign(s=0.0), ["row 1", "'s'", "between 0 and 1"]),
        (lambda d: d.assign(s=1.5), ["row 1", "1.5"]),
        (lambda d: d.assign(s=0.4), ["market 'M0'", "sum to 1.2", "below 1"]),
        (lambda d: d.assign(p=np.where(d.index == 4, -2.0, d["p"])), ["row 5", "'p'", "> 0"]),
        (lambda d: d.assign(p=np.where(d.index == 2, np.nan, d["p"])), ["row 3", "blank"]),
        (
            lambda d: d.assign(p=d["p"].astype(object).where(d.index != 1, "cheap")),
            ["row 2", "'cheap'"],
        ),
        (lambda d: d.iloc[:-2], ["market 'M2'", "single product"]),
        (lambda d: pd.concat([d, d.iloc[[0]]]), ["row 10", "'F0'", "twice", "'M0'"]),
        (lambda d: d.drop(columns="z0"), ["'z*'", "matches no column"]),
        (lambda d: d.assign(m=d["m"].where(d.index != 3)), ["row 4", "'m'", "blank"]),
        (lambda d: d.iloc[:0], ["no rows"]),
    ],
)
def test_bad_data_one_clear_error(mutate, needles) -> None:
    with pytest.raises(CalibrationError) as e:
        check_products(mutate(good()), SPEC)
    msg = str(e.value)
    assert "\n" not in msg and "np.float64" not in msg
    for n in needles:
        assert n in msg, (n, msg)


def test_units_and_size_make_shares() -> None:
    d = good().assign(q=lambda x: x["s"] * 1000, n=1000.0).drop(columns="s")
    spec = DemandSpec(
        market="m", firm="f", price="p", share=None, units="q", size="n", instruments=("z0",)
    )
    out = check_products(d, spec)
    np.testing.assert_allclose(out.frame["share"], good()["s"])
    bad = d.assign(n=np.where(d.index == 1, 900.0, 1000.0))
    with pytest.raises(CalibrationError, match="differs within market 'M0'"):
        check_products(bad, spec)


CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.integers(-5, 5),
    st.text(max_size=3),
    st.none(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "m": st.sampled_from(["a", "b", None]),
                "f": st.sampled_from(["x", "y", "z"]),
                "p": CELLS,
                "s": CELLS,
                "z0": CELLS,
            }
        ),
        min_size=0,
        max_size=8,
    ),
    drop=st.sampled_from([None, "m", "f", "p", "s", "z0"]),
)
def test_fuzzed_csv_is_accepted_clean_or_rejected_clearly(rows, drop) -> None:
    df = pd.DataFrame(rows, columns=["m", "f", "p", "s", "z0"])
    if drop:
        df = df.drop(columns=drop)
    try:
        out = check_products(df, SPEC)
    except CalibrationError as e:
        assert str(e) and "\n" not in str(e) and "np.float64" not in str(e)
        return
    f = out.frame
    assert (f["price"] > 0).all() and ((f["share"] > 0) & (f["share"] < 1)).all()
    assert (f.groupby("market")["share"].sum() < 1).all()
    assert (f.groupby("market").size() >= 2).all()
    assert not f.duplicated(["market", "product"]).any()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet='mfpsz0,.-e1234567890\n"ab ', max_size=200))
def test_fuzzed_csv_text_reads_and_checks_cleanly(tmp_path, text) -> None:
    from clustermarketing.calibration.data import read_table

    path = tmp_path / "p.csv"
    path.write_text(text)
    try:
        check_products(read_table(str(path)), SPEC)
    except CalibrationError as e:
        assert str(e) and "\n" not in str(e) and "Traceback" not in str(e)
