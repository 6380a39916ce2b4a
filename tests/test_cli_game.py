"""``clustermarketing game`` and game files: kinds, strict files, readable output (issue 8)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.table import Table
from typer.testing import CliRunner

from clustermarketing.cli.game import analyse_game
from clustermarketing.cli.main import app
from clustermarketing.cli.output import print_table
from clustermarketing.games.cooperative import GameFileError, TUGame, load_game
from clustermarketing.games.cooperative.classic import bankruptcy_game
from clustermarketing.games.cooperative.io import read_game_file

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


COST_CSV = "# kind: cost\n# unit: CU\ncoalition,value\na,6\nb,6\na+b,8\n"


# --------------------------------------------------------------------------- kind of game


def test_csv_kind_header_makes_a_cost_game(tmp_path: Path) -> None:
    gf = read_game_file(write(tmp_path, "c.csv", COST_CSV))
    assert gf.game.cost and gf.kind_given and gf.unit == "CU"
    result = runner.invoke(app, ["game", str(tmp_path / "c.csv"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "cost" and data["unit"] == "CU"
    # two firms sharing a cost of 8 that would cost 6 each alone: Shapley splits it 4/4
    assert data["allocations"]["shapley"]["values"] == {"a": 4.0, "b": 4.0}
    assert data["units"]["allocations"] == "CU"
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# cost: ture\n", "cost 'ture' is not true or false"),
        ("# kind: costs\n", "kind 'costs' is unknown"),
        ("# knid: cost\n", "did you mean '# kind:'"),
        ("# kind: value\n# cost: true\n", "contradicts"),
        ("# kind: cost\n# kind: cost\n", "given twice"),
    ],
)
def test_csv_kind_errors(tmp_path: Path, header: str, message: str) -> None:
    path = write(tmp_path, "g.csv", header + "coalition,value\na,1\nb,1\na+b,3\n")
    with pytest.raises(GameFileError) as info:
        load_game(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_free_comments_are_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "# survey of 2024, values in kCU\ncoalition,value\na,1\n")
    assert load_game(path).n == 1


def test_kind_option(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "coalition,value\na,6\nb,6\na+b,8\n")
    assert load_game(path, kind="cost").cost
    with pytest.raises(GameFileError, match="holds a cost game but a value game"):
        load_game(write(tmp_path, "c.csv", COST_CSV), kind="value")
    bad = runner.invoke(app, ["game", str(path), "--kind", "price"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --kind: 'price'")


def test_unstated_kind_warns(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "coalition,value\na,1\nb,2\na+b,4\n")
    result = runner.invoke(app, ["game", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: ") and "value or a cost game" in result.stderr
    assert "--kind cost" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('kind: value\nvalues: {"a": 1, "b": 1, "a,b": 3, "a,b": 4}\n', "line 2"),
        ("kind: value\nkind: cost\nvalues: {a: 1}\n", "key 'kind' is given twice"),
        ("kind: value\ncots: true\nvalues: {a: 1}\n", "unknown key 'cots'"),
        ("kind: cost\ncost: false\nvalues: {a: 1}\n", "contradicts"),
        ("kind: 1\nvalues: {a: 1}\n", "kind 1 is unknown"),
    ],
)
def test_yaml_strictness(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(GameFileError) as info:
        load_game(write(tmp_path, "g.yaml", text))
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("coalition,value\na,1\nb,1\na+b,2\nb+a,2\n", "coalition {a,b} is given twice"),
        ("coalition,value\na,1\na+a,2\n", "player 'a' appears twice in coalition 'a+a'"),
        ("coalition,value\n", "no players"),
        ("# kind: value\n", "header 'coalition,value'"),
        ("coalition;value\na;1\n", "semicolons"),
    ],
)
def test_csv_strictness(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "g.csv", text)
    with pytest.raises(GameFileError) as info:
        load_game(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_no_players_names_the_file_in_the_cli(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.yaml", 'kind: value\nvalues: {"": 0}\n')
    result = runner.invoke(app, ["game", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: no players")


# --------------------------------------------------------------------------- results


def test_one_nucleolus_key_with_method() -> None:
    talmud = analyse_game(bankruptcy_game(200, [100, 200, 300]))
    nucl = talmud["allocations"]["nucleolus"]
    assert nucl["method"] == "nucleolus"
    # Aumann & Maschler (1985): the nucleolus of the estate-200 Talmud problem is (50, 75, 75)
    assert list(nucl["values"].values()) == pytest.approx([50, 75, 75])
    # stand-alone values sum to 4 > v(N) = 3: no imputation, the prenucleolus is computed
    empty = analyse_game(TUGame([0, 2, 2, 3], players=["a", "b"]))
    assert "prenucleolus" not in empty["allocations"]
    assert empty["allocations"]["nucleolus"]["method"] == "prenucleolus"
    assert list(empty["allocations"]["nucleolus"]["values"].values()) == [1.5, 1.5]
    assert any("prenucleolus: blocked by" in line for line in empty["reading"])


def test_no_negative_zero(tmp_path: Path) -> None:
    # symmetric game: the least-core margin and several excesses are exactly 0 up to LP noise
    path = write(
        tmp_path,
        "g.csv",
        "# kind: value\ncoalition,value\na,1\nb,1\nc,1\na+b,2\na+c,2\nb+c,2\na+b+c,3\n",
    )
    table = runner.invoke(app, ["game", str(path)])
    assert table.exit_code == 0, table.output
    assert not re.search(r"-0\.0+\b(?!\d)", table.stdout), table.stdout
    data = json.loads(runner.invoke(app, ["game", str(path), "--format", "json"]).stdout)
    assert "-0.0" not in json.dumps(data)
    assert data["least_core_epsilon"] == 0.0


def test_in_core_rule_has_no_blocking_coalition(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "# kind: value\ncoalition,value\na,1\nb,2\na+b,4\n")
    data = json.loads(runner.invoke(app, ["game", str(path), "--format", "json"]).stdout)
    shapley = data["allocations"]["shapley"]
    assert shapley["in_core"] and shapley["blocking_coalition"] == []
    assert shapley["max_excess_coalition"]  # the tightest coalition is still reported
    assert data["provenance"]["inputs"]["game file"]["path"] == str(path.absolute())


def test_out_is_checked_first_and_written(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "# kind: value\ncoalition,value\na,1\nb,2\na+b,4\n")
    target = write(tmp_path, "taken.json", "keep")
    refused = runner.invoke(app, ["game", str(path), "--out", str(target)])
    assert refused.exit_code == 2 and refused.stderr.startswith("error: --out: ")
    assert target.read_text() == "keep"
    ok = runner.invoke(
        app, ["game", str(path), "--out", str(target), "--force", "--format", "json"]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(target.read_text()) == json.loads(ok.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "collective_mark"], "--model applies to --scenario only"),
        (["--set", "firms.count=5"], "--set applies to --scenario only"),
        (["--cost"], "--cost applies to --scenario only"),
    ],
)
def test_scenario_options_with_a_file(tmp_path: Path, args: list[str], message: str) -> None:
    path = write(tmp_path, "g.csv", "# kind: value\ncoalition,value\na,1\n")
    result = runner.invoke(app, ["game", str(path), *args])
    assert result.exit_code == 2 and message in result.stderr


# --------------------------------------------------------------------------- scenario games

SMALL = ["--scenario", "footwear", "--set", "firms.count=60"]


def test_scenario_game_values_units_and_reading() -> None:
    result = runner.invoke(app, ["game", *SMALL, "--players", "size"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "v(S) [CU/period]" in out and "Reading:" in out
    assert "least-core ε" in out and "of v(N)" in out
    data = json.loads(
        runner.invoke(app, ["game", *SMALL, "--players", "size", "--format", "json"]).stdout
    )
    assert data["unit"] == "CU/period" and data["kind"] == "value"
    assert data["provenance"]["overrides"] == ["firms.count=60"]
    assert data["provenance"]["scenario"]["firms"]["count"] == 60
    n = len(data["players"])
    assert len(data["coalition_values"]) == 2**n - 1


def test_scenario_cost_game() -> None:
    result = runner.invoke(app, ["game", *SMALL, "--cost", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "cost"
    costs = data["coalition_values"]
    grand = costs["{" + ", ".join(data["players"]) + "}"]
    # pooling is subadditive here: one fixed cost and scale economies
    assert grand <= sum(costs["{" + p + "}"] for p in data["players"]) + 1e-9


def test_scenario_game_errors() -> None:
    bad = runner.invoke(app, ["game", "--scenario", "footwear", "--model", "nope"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --model: unknown model 'nope'")
    base = runner.invoke(app, ["game", "--scenario", "footwear", "--model", "independent"])
    assert base.exit_code == 2 and "pools nothing" in base.stderr
    kind = runner.invoke(app, ["game", "--scenario", "footwear", "--kind", "cost"])
    assert kind.exit_code == 2 and "--cost" in kind.stderr


def test_scenario_game_progress() -> None:
    result = runner.invoke(
        app, ["game", *SMALL, "--players", "size", "--progress", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("progress: ") and lines[-1].endswith("coalitions (100%)")
    json.loads(result.stdout)


# --------------------------------------------------------------------------- tables are never cut


def _words(table: Table) -> list[str]:
    words = []
    for col in table.columns:
        for cell in [col.header, *col.cells]:
            words.extend(str(cell).split())
    return words


def _six_player_table() -> Table:
    from clustermarketing.cli import game as game_cli

    names = ["leather_shoes", "sports_shoes", "small_SMEs", "medium_SMEs", "large_SMEs", "leaders"]
    values = [0.0] + [111747.1234 * bin(m).count("1") ** 1.1 for m in range(1, 64)]
    result = analyse_game(TUGame(values, players=names), "CU/period")
    tables: list[Table] = []
    real = game_cli.print_table
    game_cli.print_table = tables.append  # type: ignore[assignment]
    try:
        game_cli._print_tables(result, TUGame(values, players=names))
    finally:
        game_cli.print_table = real
    return tables[1]  # the allocation table


@pytest.mark.parametrize("width", [80, 60])
def test_wide_table_at_narrow_terminal_keeps_every_word(width: int) -> None:
    import io

    table = _six_player_table()
    words = _words(table)
    buf = io.StringIO()
    print_table(table, file=buf, width=width)
    text = buf.getvalue()
    assert max(len(line) for line in text.splitlines()) <= width
    for word in words:
        assert word in text, word
    assert "…" not in text


def test_models_at_80_columns_keeps_every_name() -> None:
    import io

    from clustermarketing.models import PRESETS

    table = Table(title="Marketing models (presets)")
    for col in ("name", "title", "family", "seed", "status", "summary"):
        table.add_column(col)
    for p in PRESETS.values():
        table.add_row(p.name, p.title, p.family, p.seed, "built", p.summary)
    buf = io.StringIO()
    print_table(table, file=buf, width=80)
    text = buf.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    for name in PRESETS:
        assert re.search(rf"│ {name}\s", text), name
    for word in _words(table):
        assert word in text


def test_piped_game_output_keeps_every_number(tmp_path: Path) -> None:
    """Piped or redirected (CliRunner), tables are printed at natural width whatever COLUMNS is."""
    lines = ["# kind: value", "coalition,value"]
    names = [f"firm_{i}" for i in range(6)]
    for m in range(1, 64):
        members = [names[i] for i in range(6) if m >> i & 1]
        lines.append(f"{'+'.join(members)},{111747.1234 * len(members) ** 1.2:.4f}")
    path = write(tmp_path, "six.csv", "\n".join(lines) + "\n")
    result = runner.invoke(app, ["game", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    data = json.loads(runner.invoke(app, ["game", str(path), "--format", "json"]).stdout)
    for name in names:
        assert f"│ {name} " in result.stdout
    assert "…" not in result.stdout
    shapley = data["allocations"]["shapley"]["values"]["firm_0"]
    assert f"{shapley:,.0f}" in result.stdout
