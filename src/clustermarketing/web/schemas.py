"""Request and response bodies of the JSON API (they make the OpenAPI schema at /openapi.json).

Requests are strict: unknown keys are refused (a misspelt option must not be silently ignored),
numbers are finite and bounded, and a scenario is either a built-in example's name or a
scenario object (validated by the scenario loader, not here, so its messages are the CLI's).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

__all__ = [
    "AHPRequest",
    "AHPResult",
    "Check",
    "CompareRequest",
    "Example",
    "ExperimentSummary",
    "GameRequest",
    "Health",
    "JobCreated",
    "JobList",
    "JobStatus",
    "ModelInfo",
    "QueryRequest",
    "QueryResult",
    "RecommendRequest",
    "RunRequest",
    "ScenarioGameRequest",
    "Series",
    "UploadResult",
    "Validation",
]

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
#: a JSON number (a boolean or a string is not one)
Num = Annotated[float, Strict()]
#: a JSON integer (a boolean, a string or 2.0 is not one)
Int = Annotated[int, Strict()]

ScenarioRef = str | dict[str, Any]
_SCENARIO = Field(
    "optoelectronics",
    description="a built-in example's name (optoelectronics, footwear, dispersed) or a scenario "
    "object (the fields of a scenario YAML file, as JSON; see GET /api/schema/scenario)",
)
_SET = Field(
    default_factory=list,
    alias="set",
    max_length=200,
    description="overrides applied to the scenario first, as with --set: 'dotted.path=value'",
)
_REPS = Field(None, ge=1, le=10_000, description="replicates (default: the scenario's)")
_PERIODS = Field(None, ge=1, le=10_000, description="periods (default: the scenario's horizon)")
_SEED = Field(None, ge=0, le=2**63 - 1, description="root seed (default: the scenario's)")
_PRICING = Field(None, description="pricing of members (default: the scenario's)")


class RunRequest(BaseModel):
    """``clustermarketing run``: one marketing model against the independent baseline."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)
    scenario: ScenarioRef = _SCENARIO
    overrides: list[str] = _SET
    model: str | None = Field(None, description="marketing-model preset (default: the scenario's)")
    replicates: Int | None = _REPS
    periods: Int | None = _PERIODS
    seed: Int | None = _SEED
    pricing: Literal["nash", "cartel"] | None = _PRICING
    diagnostics: bool = Field(False, description="check that membership is a best response")


class CompareRequest(BaseModel):
    """``clustermarketing compare``: several models against one shared baseline."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)
    scenario: ScenarioRef = _SCENARIO
    overrides: list[str] = _SET
    models: list[str] | None = Field(
        None, max_length=100, description="models to compare (default: every built model)"
    )
    replicates: Int | None = _REPS
    periods: Int | None = _PERIODS
    seed: Int | None = _SEED
    pricing: Literal["nash", "cartel"] | None = _PRICING


class RecommendRequest(CompareRequest):
    """``clustermarketing recommend`` (and ``report``): rank the models for the cluster."""

    weighting: Literal["ahp", "entropy", "critic", "equal"] = "ahp"
    perturbations: Int = Field(1000, ge=0, le=1_000_000, description="weight perturbations")
    perturbation: Literal["lognormal", "dirichlet"] = "lognormal"
    sigma: Num = Field(0.25, ge=0, le=10, description="σ of the log-normal judgement noise")
    concentration: Num = Field(100.0, gt=0, le=1e9, description="Dirichlet concentration κ")
    judgements: dict[str, Any] | None = Field(
        None,
        description="your AHP judgements, as in a --weights file: {'criteria': {'upper': [...]} "
        "| {'matrix': ...} | {'weights': {...}}, 'indicators': {CRITERION: {...}}}",
    )
    hierarchy: dict[str, Any] | str | None = Field(
        None,
        description="an indicator hierarchy, as with --hierarchy: the YAML text or the same as an "
        "object (default: the shipped one, GET /api/hierarchy/yaml)",
    )


class GameRequest(BaseModel):
    """A TU game: players and the value (or cost) of every coalition."""

    model_config = _STRICT
    players: list[str] | None = Field(
        None, max_length=64, description="player names in order (default: order of appearance)"
    )
    values: dict[str, Num] | list[Num] = Field(
        ...,
        description="'a,b' (or 'a+b') → value for every non-empty coalition, or the 2^n numbers "
        "in bitmask order",
    )
    kind: Literal["value", "cost"] = Field("value", description="value game v(S) or cost game c(S)")
    unit: str | None = Field(None, max_length=50)


class ScenarioGameRequest(BaseModel):
    """``clustermarketing game --scenario``: the coalition game a scenario induces."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)
    scenario: ScenarioRef = _SCENARIO
    overrides: list[str] = _SET
    model: str | None = Field(None, description="cooperative model (default: the scenario's)")
    players: Literal["segment", "size", "firm"] = "segment"
    cost: bool = Field(False, description="the cost game C(S) of the pooled functions")
    seed: Int | None = _SEED


class AHPRequest(BaseModel):
    """A pairwise comparison matrix: full rows or the upper triangle row by row."""

    model_config = _STRICT
    matrix: list[list[Num]] | None = Field(None, max_length=15)
    upper: list[Num] | None = Field(None, max_length=105)
    labels: list[str] | None = Field(None, max_length=15)
    method: Literal["eigenvector", "geometric_mean", "arithmetic_mean"] = "eigenvector"
    ri: Literal["saaty1980", "saaty2005", "donegan_dodd"] = "saaty1980"


class QueryRequest(BaseModel):
    """A DuckDB query over a sweep's views ``runs``, ``metrics``, ``periods``, ``design``."""

    model_config = _STRICT
    sql: str = Field(..., min_length=1, max_length=20_000)


# ---------------------------------------------------------------------------------- responses
class Health(BaseModel):
    status: Literal["ok"]
    version: str
    workers: int
    queued: int
    running: int
    jobs: dict[str, int]


class Example(BaseModel):
    name: str
    description: str
    firms: int
    model: str


class ModelInfo(BaseModel):
    name: str
    title: str
    family: str
    seed: str
    summary: str
    implemented: bool
    cooperative: bool


class Validation(BaseModel):
    valid: bool
    name: str
    firms: int
    periods: int
    replicates: int
    model: str
    run_size: int = Field(..., description="firms × periods × replicates × 2 arms (firm-periods)")
    max_run_size: int
    warnings: list[str]
    scenario: dict[str, Any] = Field(..., description="the scenario with every default filled in")


class Check(BaseModel):
    valid: bool
    validation: Validation | None
    problem: dict[str, Any] | None = Field(
        None, description="the problem /api/validate would answer"
    )


class UploadResult(BaseModel):
    reference: str = Field(..., description="give this as firms.csv or ties.edgelist")
    id: str
    rows: int
    bytes: int
    name: str


class JobCreated(BaseModel):
    id: str
    kind: str
    status: str
    url: str


class Progress(BaseModel):
    done: int
    total: int
    fraction: float


class JobError(BaseModel):
    status: int
    title: str
    detail: str


class JobStatus(BaseModel):
    id: str
    kind: Literal["run", "compare", "recommend", "game"]
    status: Literal["queued", "running", "done", "failed", "interrupted"]
    progress: float = Field(..., description="share of the work done, 0–1")
    progress_detail: Progress
    summary: dict[str, Any] | None = Field(
        None, description="when done: the summary as the command line prints it with --format json"
    )
    error: JobError | None = None
    request: dict[str, Any]
    created: str
    started: str | None
    finished: str | None
    files: list[str] = Field(default_factory=list, description="downloads: GET …/files/{name}")


class JobList(BaseModel):
    jobs: list[JobStatus]
    total: int


class SeriesLine(BaseModel):
    name: str
    arm: str
    mean: list[float | None]
    low: list[float | None]
    high: list[float | None]


class Series(BaseModel):
    metric: str
    unit: str
    periods: list[int]
    lines: list[SeriesLine]
    differences: list[SeriesLine]
    metrics: list[str]


class AHPResult(BaseModel):
    weights: dict[str, float]
    lambda_max: float
    ci: float
    cr: float
    ri: float
    consistent: bool
    method: str
    ri_table: str
    most_inconsistent: dict[str, Any] | None


class ExperimentSummary(BaseModel):
    name: str
    runs_done: int
    runs_failed: int
    total_runs: int
    progress: float
    design_points: int | None
    replicates: int | None
    models: list[str]
    outcomes: list[str]
    experiment_hash: str | None
    error: str | None = None


class QueryResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    row_count: int
