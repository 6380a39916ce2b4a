"""User-facing errors: the CLI prints their message (no traceback) and exits non-zero."""


class ClusterMarketingError(ValueError):
    """Base class of errors caused by user input."""


class ScenarioError(ClusterMarketingError):
    """A scenario, override or input file is malformed; the message names field, value, expectation."""
