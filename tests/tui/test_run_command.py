"""`dectree run`: argument errors are plain messages with exit code 2, before any screen."""

from __future__ import annotations

import pytest

from dectree.cli import main
from tests.tui.conftest import FIXTURES


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", *args])
    return code, capsys.readouterr().err


def test_unknown_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "nett", str(FIXTURES))
    assert code == 2
    assert "no tree 'nett' (did you mean 'net'?)" in err
    assert "db, hostile, net" in err


def test_unknown_node(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "net", str(FIXTURES), "--at", "restrat")
    assert code == 2
    assert "tree 'net' has no node 'restrat' (did you mean 'restart'?)" in err


def test_at_needs_a_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--at", "start")
    assert code == 2
    assert "--at needs a TREE" in err


def test_bad_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "net", str(FIXTURES), "--var", "Host"])
    assert exit_info.value.code == 2
    assert "expected name=value" in capsys.readouterr().err


def test_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "net", "no/such/dir")
    assert code == 2
    assert "no/such/dir: no such file or directory" in err


def test_broken_tree_file(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    from pathlib import Path

    broken = Path(str(tmp_path)) / "broken.yaml"
    broken.write_text("id: broken\ntitle: [unclosed\n")
    code, err = run(capsys, str(broken))
    assert code == 1
    assert "broken.yaml:" in err


def test_var_values_reach_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class FakeApp:
        def run(self) -> int:
            return 0

    def fake_build(catalog: object, **kwargs: object) -> FakeApp:
        seen.update(kwargs)
        return FakeApp()

    monkeypatch.setattr("dectree.app.app.build_app", fake_build)
    code = main(["run", "net", str(FIXTURES), "--var", "host=a=b", "--var", "port=80",
                 "--incident", "INC-1", "--at", "listening"])
    assert code == 0
    assert seen["variables"] == {"host": "a=b", "port": "80"}
    assert seen["incident"] == "INC-1"
    assert seen["tree"] == "net" and seen["at"] == "listening"


def test_tree_file_walks_that_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class FakeApp:
        def run(self) -> None:
            return None

    def fake_build(catalog: object, **kwargs: object) -> FakeApp:
        seen["catalog"] = catalog
        seen.update(kwargs)
        return FakeApp()

    monkeypatch.setattr("dectree.app.app.build_app", fake_build)
    assert main(["run", str(FIXTURES / "db.yaml")]) == 0
    assert seen["tree"] == "db"


def test_no_tree_loads_in_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class FakeApp:
        def run(self) -> int:
            return 0

    def fake_build(catalog: object, **kwargs: object) -> FakeApp:
        seen["catalog"] = catalog
        seen.update(kwargs)
        return FakeApp()

    monkeypatch.setattr("dectree.app.app.build_app", fake_build)
    assert main([]) == 0  # `dectree` alone is `dectree run`
    assert callable(seen["catalog"])  # loaded later, in the app's worker
    assert seen["tree"] is None
