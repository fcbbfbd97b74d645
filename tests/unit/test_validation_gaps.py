"""What validation let through, and what `run`, `list`, `test` and `export` now say instead.

- `dectree test` on trees with errors and no scenarios: errors reported, exit 1;
- DT004 names the file's size, not the bytes read before giving up;
- limits (`--max-bytes`, `--max-path`) below 1 are usage errors;
- an export to a directory says it is a directory;
- `dectree run` says which links on the walk lead nowhere before the walk starts
  (and the app shows it), refuses `--at` a node no start reaches, and `dectree
  list` counts broken links per tree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dectree.app.app import DectreeApp
from dectree.cli import main
from tests.unit.test_hostile_text import write_tree


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def dangling(data: dict) -> None:
    data["nodes"]["deleted-open"]["choices"][1]["next"] = "nowhere"


def island(data: dict) -> None:
    data["nodes"]["island"] = {
        "kind": "action", "title": "Island", "prompt": "Do it.", "next": "island-end",
    }
    data["nodes"]["island-end"] = {
        "kind": "conclusion", "outcome": "resolved", "root_cause": "x.",
        "resolution": [{"do": "y."}],
    }


def no_scenarios(change):  # type: ignore[no-untyped-def]
    def apply(data: dict) -> None:
        change(data)
        data.pop("scenarios", None)

    return apply


@pytest.mark.parametrize("with_scenarios", [True, False], ids=["scenarios", "no-scenarios"])
def test_dectree_test_fails_a_tree_validate_rejects(
    with_scenarios: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_tree(tmp_path, dangling if with_scenarios else no_scenarios(dangling))
    code, out, _ = run(capsys, "test", str(path))
    assert code == 1
    assert "error DT201 reference to unknown node 'nowhere'" in out


@pytest.mark.parametrize("size", [17 * 1024 * 1024, 16 * 1024 * 1024 + 1, 5_000_000_000])
def test_dt004_names_the_file_size(
    size: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.write(b"id: t\n")
        handle.truncate(size)  # sparse: the size without the bytes
    code, out, _ = run(capsys, "validate", "--no-cache", str(path))
    assert code == 1
    assert f"error DT004 file is {size:,} bytes, over the limit of {16 * 1024 * 1024:,}" in out


@pytest.mark.parametrize("value", ["0", "-1", "-100000", "x"])
@pytest.mark.parametrize(
    "argv",
    [["validate", "--max-bytes"], ["validate", "--max-path"], ["list", "--max-bytes"],
     ["render", "--all", "-o", "/tmp/x", "--max-bytes"]],
    ids=["validate-bytes", "validate-path", "list-bytes", "render-bytes"],
)
def test_limits_below_one_are_usage_errors(
    argv: list[str], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "must be 1 or more" in err or "not a whole number" in err


def test_an_export_to_a_directory_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.records_support import recorded_session, records_catalog, walk_to_escalation

    session, _ = recorded_session(tmp_path / "s", records_catalog())
    walk_to_escalation(session)
    for force in ([], ["--force"]):
        code, _, err = run(
            capsys, "export", "--last", "--sessions-dir", str(tmp_path / "s"), "-o",
            str(tmp_path), *force,
        )
        assert code == 2
        assert "is a directory" in err and "already exists" not in err


# -- dectree run and list on trees with errors -------------------------------------------


def no_app(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    seen: dict[str, object] = {}

    def run_app(self: DectreeApp, **kwargs: object) -> int:
        seen["start"] = self.start_at
        return 0

    monkeypatch.setattr(DectreeApp, "run", run_app)
    return seen


def test_run_says_which_links_lead_nowhere_before_the_walk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = no_app(monkeypatch)
    path = write_tree(tmp_path, dangling)
    code, _, err = run(capsys, "run", "disk", str(tmp_path))
    assert code == 0
    assert f"{path}:" in err and "error DT201 link 'nowhere' (from disk:deleted-open)" in err
    notice = getattr(seen["start"], "notice", None)
    assert notice and "lead nowhere" in notice and "'nowhere'" in notice


def test_run_is_quiet_when_the_broken_link_is_not_on_the_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = no_app(monkeypatch)
    write_tree(tmp_path, dangling)
    code, _, err = run(capsys, "run", "disk", str(tmp_path), "--at", "many-files")
    assert code == 0 and err == ""
    assert getattr(seen["start"], "notice", "x") is None


def test_run_refuses_to_start_at_a_node_no_start_reaches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = no_app(monkeypatch)
    write_tree(tmp_path, island)
    code, _, err = run(capsys, "run", "disk", str(tmp_path), "--at", "island")
    assert code == 2 and "start" not in seen
    assert "error DT202 node 'island' cannot be reached from any start" in err


def test_list_counts_broken_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, dangling)
    code, out, _ = run(capsys, "list", str(tmp_path))
    assert code == 1 and "(1 broken link(s): dectree validate)" in out
    code, out, _ = run(capsys, "list", "--format", "json", str(tmp_path))
    assert json.loads(out)["trees"][0]["broken_links"] == 1


def test_the_app_shows_the_broken_links_when_the_walk_opens(tmp_path: Path) -> None:
    import asyncio

    from dectree.app.app import build_app
    from dectree.model.catalog import load_catalog

    write_tree(tmp_path, dangling)
    app = build_app(load_catalog([str(tmp_path)]), tree="disk", notice="2 link(s) lead nowhere")

    async def look() -> list[tuple[str, str]]:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            return [(n.title, n.message) for n in pilot.app._notifications]

    assert ("This tree has errors", "2 link(s) lead nowhere") in asyncio.run(look())


@pytest.mark.parametrize(
    ("answers", "codes"), [(1, ["DT228"]), (2, []), (9, []), (10, ["DT229"]), (250, ["DT229"])]
)
def test_answer_counts_at_the_edges(
    answers: int, codes: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(data: dict) -> None:
        data["nodes"]["which-mount"]["choices"] = [
            {"label": f"answer {i}", "next": "many-files"} for i in range(answers)
        ]

    write_tree(tmp_path, change)
    _, out, _ = run(capsys, "validate", "--no-cache", str(tmp_path))
    found = sorted(set(re.findall(r" (DT22[89]) ", out)))
    assert found == codes, out
