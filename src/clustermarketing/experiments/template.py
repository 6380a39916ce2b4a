"""The annotated experiment template written by ``clustermarketing experiment new``.

>>> from clustermarketing.experiments.spec import parse_experiment
>>> import yaml
>>> parse_experiment(yaml.safe_load(TEMPLATE)).design.kind
'lhs'
"""

TEMPLATE = """\
# Experiment: a sweep over scenario parameters (clustermarketing sweep FILE --out DIR).
# Every key is checked; docs/experiments.md documents each one.

name: strong-ties-and-fines          # free text
description: Where does the collective mark pay off for SMEs?

# Base scenario: a built-in example (optoelectronics, footwear, dispersed) or a scenario file
# (a relative path is read from this file's folder).
base: footwear

# Fixed overrides applied to every run, exactly like --set PATH=VALUE.
set:
  firms.count: 200

# Varied parameters: scenario field paths (as in --set; model.* paths override the model of
# every arm except the independent baseline). Each is a range or a list of levels:
#   {low: 0, high: 1}                       uniform (integer when the base value is an integer)
#   {low: 1, high: 100, kind: log_uniform}  log-uniform (low > 0)
#   {low: 1, high: 8, kind: integer}        every whole value equally likely
#   {levels: [nash, cartel]}                categorical
parameters:
  ties.strong_degree: {low: 1, high: 8}
  model.regulation.fine: {low: 0, high: 500}

# Design: how points are placed (all drawn from the seed below).
#   {kind: lhs, points: 64}                    Latin hypercube
#   {kind: grid, levels: 5}                    full factorial, 5 values per range
#   {kind: sobol, n: 64, second_order: true}   Saltelli: n*(2d+2) points, for --method sobol
#   {kind: morris, trajectories: 10, levels: 4}  (d+1) points per trajectory, --method morris
#   {kind: list, points: [{ties.strong_degree: 2, model.regulation.fine: 100}, ...]}
design: {kind: lhs, points: 16}

# Models run at every point, each against the independent baseline on common random numbers.
models: [collective_mark]

replicates: 2        # runs per design point (each with its own seed)
periods: 12          # periods per run (default: the scenario's horizon)

# Summary metrics kept (default: all; see clustermarketing run --help and docs/model.md).
outcomes: [sme_profit, cooperation_rate]

seed: 7              # root seed: run (point, replicate) uses SeedSequence(seed, (point, replicate))
keep_periods: false  # also store every run's per-period cluster series (table periods)
# per_point: every run its own random numbers; common: replicate r uses the same seed at every
# design point (common random numbers: less noise in differences and sensitivity indices)
seeds: per_point
"""
