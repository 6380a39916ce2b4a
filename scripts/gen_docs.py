"""Regenerate docs generated from code: ``docs/scenario-reference.md`` from the scenario schema.

Usage: ``python scripts/gen_docs.py`` (writes the files) or ``python scripts/gen_docs.py --check``
(exit 1 if a committed file differs from the generator output, as in CI).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clustermarketing.io import atomic_write_text
from clustermarketing.scenario.template import scenario_reference_markdown

ROOT = Path(__file__).resolve().parents[1]
GENERATED = {ROOT / "docs" / "scenario-reference.md": scenario_reference_markdown}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, do not write")
    args = parser.parse_args(argv)
    stale = []
    for path, generate in GENERATED.items():
        text = generate()
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            atomic_write_text(path, text)
            print(f"wrote {path.relative_to(ROOT)}")
    if args.check and stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"out of date: {names}; run python scripts/gen_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
