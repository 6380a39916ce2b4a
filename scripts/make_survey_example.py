"""Regenerate the shipped synthetic survey file (src/clustermarketing/survey/data/).

The file holds the answers of *simulated* firms — the footwear cluster and the same industry
dispersed, under the collective-mark model — to the shipped questionnaire, so that every
``clustermarketing survey`` command and the README example run out of the box. It is not real
survey data; its first line says so.

    python scripts/make_survey_example.py          # rewrite the file
    python scripts/make_survey_example.py --check  # exit 1 when the file is stale
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from clustermarketing.cli.main import app
from clustermarketing.survey.io import synthetic_responses_path

#: The exact command the file comes from (seed 2012: the year of seed 004).
ARGS = [
    "survey",
    "simulate",
    "footwear",
    "dispersed",
    "--model",
    "collective_mark",
    "--seed",
    "2012",
    "--set",
    "firms.count=60",
    "--periods",
    "24",
    "--missing-rate",
    "0.02",
]


def generate(out: Path) -> None:
    """Run the simulate command into ``out``."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*ARGS, "--out", str(out), "--force"])
    if result.exit_code != 0:
        sys.exit(f"generation failed:\n{result.output}")


def main(argv: list[str]) -> int:
    target = synthetic_responses_path()
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / target.name
            generate(fresh)
            if fresh.read_text() != target.read_text():
                print(f"{target} is stale; run: python scripts/make_survey_example.py")
                return 1
        print(f"{target} is up to date")
        return 0
    generate(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
