"""Product–market data for demand estimation: the specification and its checks.

One row per product (or single-product firm) and market. Every check raises
:class:`CalibrationError` with one line naming the column, the row and the value, and what was
expected, before any estimation starts (docs/calibration.md, "Input data").
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.errors import ClusterMarketingError


class CalibrationError(ClusterMarketingError):
    """Calibration input that cannot be used: the message names the column, row and value."""


@dataclass(frozen=True)
class DemandSpec:
    """Which columns hold what, and the model to estimate.

    Column defaults follow pyblp's reserved names, so pyblp's own example data need no options.
    ``product`` defaults to ``firm``: one row per firm and market (single-product firms).
    ``instruments`` are names or shell-style globs (``demand_instruments*``) of excluded
    instruments for price (and, in the nested logit, for the within-nest share).
    ``share`` may be replaced by ``units`` and ``size`` (share = units / size).
    """

    market: str = "market_ids"
    firm: str = "firm_ids"
    product: str | None = None
    price: str = "prices"
    share: str | None = "shares"
    units: str | None = None
    size: str | None = None
    characteristics: tuple[str, ...] = ()
    absorb: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ("demand_instruments*",)
    nest: str | None = None
    gmm: str = "2s"
    max_iterations: int = 1000
    rho_start: float = 0.7

    @property
    def product_column(self) -> str:
        """The column identifying an engine firm (a product)."""
        return self.product or self.firm

    @property
    def model(self) -> str:
        """``logit`` or ``nested_logit``."""
        return "nested_logit" if self.nest else "logit"

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for provenance and the JSON output)."""
        d = asdict(self)
        d["characteristics"] = list(self.characteristics)
        d["absorb"] = list(self.absorb)
        d["instruments"] = list(self.instruments)
        d["model"] = self.model
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DemandSpec:
        """Inverse of :meth:`to_dict`."""
        keep = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for k in ("characteristics", "absorb", "instruments"):
            if k in keep:
                keep[k] = tuple(keep[k])
        return cls(**keep)


@dataclass(frozen=True)
class ProductData:
    """Checked, normalised product data (row order of the input kept)."""

    frame: pd.DataFrame  # columns market, firm, product, price, share (+ size when given)
    instruments: tuple[str, ...]  # resolved excluded-instrument columns
    characteristics: tuple[str, ...]
    absorb: tuple[str, ...]
    raw: pd.DataFrame = field(repr=False)  # the input columns used, same rows


def _shown(value: Any) -> str:
    """A cell as the user wrote it (never a NumPy repr)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return "blank"
    return repr(value)


def _require(df: pd.DataFrame, col: str, option: str, where: str) -> None:
    if col in df.columns:
        return
    hint = difflib.get_close_matches(col, [str(c) for c in df.columns], n=1)
    did = f"; did you mean {hint[0]!r}?" if hint else ""
    cols = ", ".join(map(str, df.columns[:12])) + (", …" if len(df.columns) > 12 else "")
    raise CalibrationError(
        f"{where}: column {col!r} ({option}) is missing; the columns are {cols}{did}"
    )


def resolve_instruments(columns: list[str], patterns: tuple[str, ...], where: str) -> list[str]:
    """Columns matching each name or glob, in the data's column order; each pattern must match."""
    out: list[str] = []
    for pat in patterns:
        hits = [c for c in columns if fnmatch.fnmatchcase(c, pat)]
        if not hits:
            hint = difflib.get_close_matches(pat, columns, n=1)
            did = f"; did you mean {hint[0]!r}?" if hint else ""
            raise CalibrationError(
                f"{where}: --instruments {pat!r} matches no column{did}; expected column names "
                "or a glob such as 'demand_instruments*'"
            )
        out.extend(c for c in hits if c not in out)
    return out


def _numeric(df: pd.DataFrame, col: str, option: str, where: str, rule: str = "") -> np.ndarray:
    """The column as floats; the first non-numeric or non-finite cell is an error."""
    vals = pd.to_numeric(df[col], errors="coerce")
    arr = vals.to_numpy(dtype=float)
    bad = ~np.isfinite(arr)
    if rule == "positive":
        bad |= arr <= 0
    elif rule == "share":
        bad |= (arr <= 0) | (arr >= 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        expect = {
            "positive": "a number > 0",
            "share": "a share strictly between 0 and 1",
        }.get(rule, "a finite number")
        raise CalibrationError(
            f"{where} row {row + 1}, column {col!r} ({option}): got {_shown(df[col].iloc[row])}; "
            f"expected {expect}"
        )
    return arr


def _labels(df: pd.DataFrame, col: str, option: str, where: str) -> pd.Series:
    """An identifier column as strings; blanks are errors."""
    s = df[col]
    if s.isna().any():
        row = int(np.flatnonzero(s.isna().to_numpy())[0])
        raise CalibrationError(
            f"{where} row {row + 1}, column {col!r} ({option}): blank; expected an identifier"
        )
    return s.astype(str)


def check_products(df: pd.DataFrame, spec: DemandSpec, where: str = "products") -> ProductData:
    """Check product–market data against ``spec`` and normalise it.

    Raises :class:`CalibrationError` for: missing columns; instruments that match nothing or
    repeat another role's column; blank identifiers; non-numeric or non-finite numbers;
    non-positive prices; shares outside (0, 1); market shares summing to ≥ 1 (no room for the
    outside good); a product twice in one market; a market with a single product.
    """
    if df.empty:
        raise CalibrationError(f"{where}: no rows; expected one row per product and market")
    df = df.reset_index(drop=True)
    columns = [str(c) for c in df.columns]
    df.columns = columns
    if spec.share is None and (spec.units is None or spec.size is None):
        raise CalibrationError(f"{where}: no shares; give --share, or --units together with --size")
    if spec.share is not None and spec.units is not None:
        raise CalibrationError(
            f"{where}: both --share and --units given; expected one way to the shares"
        )
    roles: list[tuple[str, str]] = [
        (spec.market, "--market"),
        (spec.firm, "--firm"),
        (spec.price, "--price"),
    ]
    if spec.product:
        roles.append((spec.product, "--product"))
    if spec.share is not None:
        roles.append((spec.share, "--share"))
    if spec.units is not None:
        roles.append((spec.units, "--units"))
    if spec.size is not None:
        roles.append((spec.size, "--size"))
    if spec.nest:
        roles.append((spec.nest, "--nest"))
    roles += [(c, "--characteristics") for c in spec.characteristics]
    roles += [(c, "--absorb") for c in spec.absorb]
    for col, option in roles:
        _require(df, col, option, where)
    instruments = resolve_instruments(columns, spec.instruments, where)
    numeric_roles = {spec.price, spec.share, spec.units, spec.size, *spec.characteristics}
    clash = [z for z in instruments if z in numeric_roles]
    if clash:
        raise CalibrationError(
            f"{where}: instrument column {clash[0]!r} is also the price, a share or a "
            "characteristic; expected excluded instruments only (exogenous characteristics are "
            "instruments already)"
        )
    if not instruments:
        raise CalibrationError(
            f"{where}: no excluded instruments; price is endogenous, so give --instruments"
        )

    market = _labels(df, spec.market, "--market", where)
    firm = _labels(df, spec.firm, "--firm", where)
    product = _labels(df, spec.product, "--product", where) if spec.product else firm
    price = _numeric(df, spec.price, "--price", where, "positive")
    size = None
    if spec.share is not None:
        share = _numeric(df, spec.share, "--share", where, "share")
        if spec.size is not None:
            size = _numeric(df, spec.size, "--size", where, "positive")
    else:
        assert spec.units is not None and spec.size is not None
        units = _numeric(df, spec.units, "--units", where, "positive")
        size = _numeric(df, spec.size, "--size", where, "positive")
        share = units / size
        over = share >= 1
        if over.any():
            row = int(np.flatnonzero(over)[0])
            raise CalibrationError(
                f"{where} row {row + 1}: units {_shown(df[spec.units].iloc[row])} ≥ market size "
                f"{_shown(df[spec.size].iloc[row])}; expected units below the market size"
            )
    for c in spec.characteristics:
        _numeric(df, c, "--characteristics", where)
    for z in instruments:
        _numeric(df, z, "--instruments", where)
    for c in spec.absorb:
        _labels(df, c, "--absorb", where)
    if spec.nest:
        _labels(df, spec.nest, "--nest", where)

    frame = pd.DataFrame(
        {"market": market, "firm": firm, "product": product, "price": price, "share": share}
    )
    if size is not None:
        frame["size"] = size
        varies = frame.groupby("market", sort=False)["size"].nunique() > 1
        if varies.any():
            raise CalibrationError(
                f"{where}: column {spec.size!r} (--size) differs within market "
                f"{varies.index[varies.to_numpy()][0]!r}; expected one market size per market"
            )
    dup = frame.duplicated(["market", "product"])
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        what = "product" if spec.product else "firm"
        extra = "" if spec.product else " (several products per firm? name them with --product)"
        raise CalibrationError(
            f"{where} row {row + 1}: {what} {frame['product'].iloc[row]!r} appears twice in market "
            f"{frame['market'].iloc[row]!r}; expected one row per {what} and market{extra}"
        )
    if spec.product:
        owners = frame.groupby(["market", "product"], sort=False)["firm"].first()
        per = owners.groupby(level="product").nunique()
        if (per > 1).any():
            p = per.index[(per > 1).to_numpy()][0]
            raise CalibrationError(
                f"{where}: product {p!r} has different firms in different markets; expected a "
                "product to keep its owner (the engine gives each product one firm)"
            )
    sums = frame.groupby("market", sort=False)["share"].sum()
    full = sums >= 1
    if full.any():
        m = sums.index[full.to_numpy()][0]
        raise CalibrationError(
            f"{where}: shares in market {m!r} sum to {float(sums[m]):.6g}; expected a sum below "
            "1 (the rest is the outside good)"
        )
    counts = frame.groupby("market", sort=False).size()
    single = counts < 2
    if single.any():
        m = counts.index[single.to_numpy()][0]
        raise CalibrationError(
            f"{where}: market {m!r} has a single product; expected at least two products per "
            "market (drop the market or merge it with another)"
        )
    used = list(dict.fromkeys([c for c, _ in roles] + instruments))
    return ProductData(
        frame=frame,
        instruments=tuple(instruments),
        characteristics=tuple(spec.characteristics),
        absorb=tuple(spec.absorb),
        raw=df[used],
    )


def read_table(path: str, where: str | None = None) -> pd.DataFrame:
    """A CSV (or Parquet, by extension) as a DataFrame; unreadable files are one clear error."""
    from pathlib import Path

    p = Path(path)
    label = where or p.name
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(p)
        return pd.read_csv(p)
    except FileNotFoundError:
        raise CalibrationError(f"{label}: file {str(p)!r} not found") from None
    except IsADirectoryError:
        raise CalibrationError(f"{label}: {str(p)!r} is a directory; expected a file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CalibrationError(f"{label}: {str(p)!r} is not a readable table ({first})") from None
    except OSError as e:
        raise CalibrationError(f"{label}: cannot read {str(p)!r} ({e.strerror or e})") from None


def file_sha256(path: str) -> str:
    """SHA-256 of a file's bytes (provenance of every calibrated number)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
