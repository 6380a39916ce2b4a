"""Game files (YAML/CSV) and the ``game`` CLI command."""

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from clustermarketing.cli.game import register
from clustermarketing.games.cooperative import GameFileError, TUGame, load_game

GLOVE_YAML = """\
players: [l, r1, r2]
cost: false
values:
  "l": 0
  "r1": 0
  "r2": 0
  "l,r1": 1
  "l,r2": 1
  "r1,r2": 0
  "l,r1,r2": 1
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_round_trip(tmp_path: Path) -> None:
    game = load_game(write(tmp_path, "g.yaml", GLOVE_YAML))
    assert game.players == ("l", "r1", "r2") and not game.cost
    assert game(["l", "r2"]) == 1.0 and game(["r1", "r2"]) == 0.0
    np.testing.assert_allclose(game.shapley(), [2 / 3, 1 / 6, 1 / 6])


def test_yaml_list_form_and_cost(tmp_path: Path) -> None:
    text = "players: [a, b]\ncost: true\nvalues: [0, 3, 4, 5]\n"
    game = load_game(write(tmp_path, "c.yml", text))
    assert game.cost and game("a") == 3.0 and game(["a", "b"]) == 5.0


def test_csv_with_plus_and_quoted_commas(tmp_path: Path) -> None:
    text = 'coalition,value\na,1\nb,0\n"a,b",3\n'
    game = load_game(write(tmp_path, "g.csv", text))
    assert game.players == ("a", "b") and game(["a", "b"]) == 3.0
    text = "# players: b, a\n# cost: true\ncoalition,value\na,1\nb,2\na+b,2.5\n"
    game = load_game(write(tmp_path, "h.csv", text))
    assert game.players == ("b", "a") and game.cost and game("a") == 1.0


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("w.yaml", "players: [a, b]\nvalues: [0, 1, 2]\n", "length 3"),
        (
            "m.yaml",
            'players: [a, b, c]\nvalues: {"a": 1, "b": 1, "c": 1, "a,b": 2}\n',
            "missing coalition {a,c}",
        ),
        (
            "u.yaml",
            'players: [a, b]\nvalues: {"a": 1, "b": 1, "a,z": 2, "a,b": 3}\n',
            "unknown player 'z'",
        ),
        (
            "n.yaml",
            'players: [a, b]\nvalues: {"a": 1, "b": one, "a,b": 3}\n',
            "coalition 'b' is not a number: 'one'",
        ),
        ("n.csv", "coalition,value\na,1\nb,x\na+b,2\n", "coalition 'b' is not a number: 'x'"),
        ("d.csv", "coalition,value\na,1\nb,1\na+b,2\nb+a,2\n", "given twice"),
        ("e.yaml", 'values: {"": 1, "a": 1}\n', "empty coalition must have value 0"),
        ("h.csv", "name,worth\na,1\n", "header"),
        ("x.txt", "", "unknown game file type"),
    ],
)
def test_file_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    """Each malformed file gives one GameFileError naming the problem."""
    with pytest.raises(GameFileError, match=None) as info:
        load_game(write(tmp_path, name, text))
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_tugame_validation() -> None:
    with pytest.raises(ValueError, match="values\\[0\\]"):
        TUGame([1, 2])
    with pytest.raises(ValueError, match="2\\*\\*n"):
        TUGame([0, 1, 2])
    game = TUGame.from_dict({frozenset({0}): 1, frozenset({1}): 2, frozenset({0, 1}): 4})
    np.testing.assert_allclose(game.values, [0, 1, 2, 4])
    with pytest.raises(ValueError, match="missing"):
        TUGame.from_dict({frozenset({"a"}): 1, frozenset({"a", "b"}): 2})


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps "game" a named sub-command
        """Nothing."""

    return app


def test_cli_table_and_json(tmp_path: Path) -> None:
    path = write(tmp_path, "glove.yaml", GLOVE_YAML)
    runner = CliRunner()
    result = runner.invoke(cli(), ["game", str(path)])
    assert result.exit_code == 0, result.output
    for word in ("shapley", "banzhaf", "nucleolus", "equal", "proportional", "in core"):
        assert word in result.output
    result = runner.invoke(cli(), ["game", str(path), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["allocations"]["nucleolus"]["in_core"] is True
    assert data["allocations"]["shapley"]["in_core"] is False
    assert data["allocations"]["shapley"]["max_excess"] == pytest.approx(1 / 6)
    assert data["core_empty"] is False


def test_cli_bad_file_exit_code_2(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", 'players: [a, b]\nvalues: {"a": 1, "a,b": 3}\n')
    result = CliRunner().invoke(cli(), ["game", str(path)])
    assert result.exit_code == 2
    assert "missing coalition {b}" in result.stderr
    assert "Traceback" not in result.output


def test_cli_scenario_game_table_and_errors() -> None:
    result = CliRunner().invoke(
        cli(), ["game", "--scenario", "footwear", "--model", "collective_mark", "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["players"] == ["leather_shoes", "sports_shoes"]
    assert set(data["allocations"]) >= {"equal", "proportional", "shapley", "banzhaf"}
    bad = CliRunner().invoke(cli(), ["game", "--scenario", "base"])
    assert bad.exit_code == 2
    assert "neither a file nor a built-in example" in bad.stderr
    assert "Traceback" not in bad.output
