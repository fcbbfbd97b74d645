"""The command line: exit codes, output formats, discovery, and no UI on the validate path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dectree.cli import main

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "fixtures" / "valid" / "disk.yaml"
CODES = ROOT / "tests" / "unit" / "fixtures" / "codes"
BROKEN = CODES / "DT201-unknown-node.yaml"
WARNS = CODES / "DT217-no-check.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_tree_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(VALID), "--today", "2026-11-26")
    assert code == 0
    assert out.strip() == "1 file, 1 tree: 0 error(s), 0 warning(s), 0 note(s)"


def test_errors_exit_1_compiler_style(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(BROKEN))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{BROKEN}:19:")
    assert " error DT201 reference to unknown node 'doen' (did you mean 'done'?)" in first


def test_warnings_pass_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate", str(WARNS))[0] == 0
    assert run(capsys, "validate", "--strict", str(WARNS))[0] == 1


def test_today_pins_the_review_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--strict", "--today", "2099-06-01", str(VALID))
    assert code == 1 and "DT216" in out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--format", "json", str(BROKEN))
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["errors"] == 1
    assert data["problems"][0] == {
        "path": str(BROKEN),
        "line": 19,
        "column": 15,
        "level": "error",
        "code": "DT201",
        "message": "reference to unknown node 'doen' (did you mean 'done'?)",
    }


def test_github_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--format", "github", str(BROKEN))
    assert code == 1
    assert out.startswith(
        f"::error file={BROKEN},line=19,col=15,title=DT201::reference to unknown node"
    )


def test_missing_path_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", "no/such/dir")
    assert code == 2 and "no/such/dir: no such file or directory" in err


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--format", "xml"])
    assert info.value.code == 2


def test_bad_date_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--today", "tomorrow"])
    assert info.value.code == 2


def test_list_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", str(VALID), "--format", "json", "--today", "2026-11-26")
    row = json.loads(out)["trees"][0]
    assert code == 0
    assert (row["id"], row["questions"], row["conclusions"], row["escalations"]) == (
        "disk",
        2,
        2,
        1,
    )
    assert row["review_overdue"] is False
    code, out, _ = run(capsys, "list", str(VALID), "--today", "2099-01-01")
    assert "disk" in out and "(review overdue)" in out


def test_schema_is_the_models_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["additionalProperties"] is False
    assert {"id", "title", "start", "nodes", "review"} <= set(schema["required"])
    assert set(schema["$defs"]) >= {"Question", "Action", "Conclusion", "Escalation"}


def test_discovery_uses_dectree_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "disk.yaml").write_bytes(VALID.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DECTREE_PATH", str(extra))
    code, out, _ = run(capsys, "list", "--format", "json")
    assert code == 0 and "disk" in [t["id"] for t in json.loads(out)["trees"]]


def test_discovery_prefers_local_trees_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "trees").mkdir()
    (tmp_path / "trees" / "disk.yaml").write_bytes(VALID.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DECTREE_PATH", raising=False)
    code, out, _ = run(capsys, "list", "--format", "json")
    assert code == 0
    assert [t["id"] for t in json.loads(out)["trees"]] == ["disk"]


def test_bundled_trees_are_found_from_any_directory(tmp_path: Path) -> None:
    env = {**os.environ, "DECTREE_PATH": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "dectree", "list", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    ids = {t["id"] for t in json.loads(proc.stdout)["trees"]}
    shipped = {p.stem for p in (ROOT / "trees").glob("*.yaml")}
    assert ids == shipped


def test_validate_does_not_import_textual() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dectree", "validate", str(VALID)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    imported = [line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    assert imported and not [m for m in imported if m.split(".")[0] in ("textual", "rich")]


def test_malformed_input_never_prints_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 40)
    proc = subprocess.run(
        [sys.executable, "-m", "dectree", "validate", str(junk)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{junk}:2:118:" in proc.stdout and "DT005" in proc.stdout


def test_one_file_resolves_links_into_its_siblings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pre-commit passes only changed files: links into unchanged trees must still resolve."""
    (tmp_path / "other.yaml").write_bytes((CODES / "support-other.yaml").read_bytes())
    linking = (
        (CODES / "DT210-missing-node-in-tree.yaml")
        .read_text()
        .replace("other:nowhere", "other:done")
    )
    (tmp_path / "main.yaml").write_text(linking.replace("   # <- DT210", ""))
    broken_sibling = tmp_path / "broken.yaml"
    broken_sibling.write_text("id: [unclosed\n")
    code, out, _ = run(capsys, "validate", "--strict", str(tmp_path / "main.yaml"))
    assert code == 0, out
    assert out.strip() == "1 file, 1 tree: 0 error(s), 0 warning(s), 0 note(s)"
