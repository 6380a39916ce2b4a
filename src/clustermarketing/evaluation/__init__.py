"""The evaluation system (MODEL.md §9): indicators, AHP, objective weights, fuzzy evaluation,
TOPSIS, and the recommendation of a marketing model with its robustness.

Pure functions on arrays and plain data; reading files (:mod:`.io`), running simulations
(:mod:`.runs`) and the HTML report (:mod:`.report`) are separate modules at the edge.

>>> from clustermarketing.evaluation import ahp
>>> round(ahp([3, 5, 2]).cr, 4)
0.0032
"""

from clustermarketing.evaluation.fuzzy import (
    FuzzyResult,
    fuzzy_evaluate,
    membership_matrix,
    partition,
    trapezoidal,
    triangular,
)
from clustermarketing.evaluation.hierarchy import Hierarchy, build_hierarchy
from clustermarketing.evaluation.indicators import (
    IndicatorTable,
    compute_indicators,
    table_from_values,
)
from clustermarketing.evaluation.pairwise import (
    RANDOM_INDEX,
    AHPResult,
    ahp,
    from_upper,
    group_matrix,
    synthesize,
)
from clustermarketing.evaluation.pipeline import Evaluation, evaluate
from clustermarketing.evaluation.recommend import (
    Recommendation,
    RobustnessOptions,
    recommend,
    recommend_from_table,
)
from clustermarketing.evaluation.topsis import topsis
from clustermarketing.evaluation.weights import (
    critic_weights,
    direct_weights,
    entropy_weights,
    equal_weights,
)

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "Evaluation",
    "FuzzyResult",
    "Hierarchy",
    "IndicatorTable",
    "Recommendation",
    "RobustnessOptions",
    "ahp",
    "build_hierarchy",
    "compute_indicators",
    "critic_weights",
    "direct_weights",
    "entropy_weights",
    "equal_weights",
    "evaluate",
    "from_upper",
    "fuzzy_evaluate",
    "group_matrix",
    "membership_matrix",
    "partition",
    "recommend",
    "recommend_from_table",
    "synthesize",
    "table_from_values",
    "topsis",
    "trapezoidal",
    "triangular",
]
