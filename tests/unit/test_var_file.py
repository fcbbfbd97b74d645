"""Variables files: the per-user defaults file and `--var-file`, and what is never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dectree.cli import main
from dectree.commands.var_file import (
    VarFileError,
    default_var_file,
    load_var_files,
    read_var_file,
)


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_values_and_secrets_are_kept_apart(tmp_path: Path) -> None:
    path = write(
        tmp_path / "v.toml",
        '[variables]\nnamespace = "payments"\nport = 8443\n\n[secrets]\ntoken = "s3cr3t"\n',
    )
    values = read_var_file(path)
    assert values.plain == {"namespace": "payments", "port": "8443"}
    assert values.secret == {"token": "s3cr3t"}
    assert values.warnings == []


def test_secrets_in_a_file_others_can_read_are_not_used(tmp_path: Path) -> None:
    path = write(tmp_path / "v.toml", '[secrets]\ntoken = "s3cr3t"\n', mode=0o644)
    values = read_var_file(path)
    assert values.secret == {}
    assert values.warnings == [f"{path}: [secrets] ignored: other users can read the file (chmod 600 {path})"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[variables\n", "not valid TOML: "),
        ('[variables]\nHost = "x"\n', "[variables] 'Host': a variable name is lowercase"),
        ("[variables]\nport = true\n", "[variables] port: expected a string, got True"),
        ("[variables]\nports = [1, 2]\n", "[variables] ports: expected a string"),
        ('variables = "x"\n', "'variables' must be a table"),
        ('[vars]\nhost = "x"\n', "unknown table or key 'vars'"),
    ],
)
def test_bad_files_say_where_and_what(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "v.toml", text)
    with pytest.raises(VarFileError) as caught:
        read_var_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "v.toml"
    path.write_bytes(b'[variables]\nhost = "\xff"\n')
    with pytest.raises(VarFileError, match="not UTF-8"):
        read_var_file(path)


def test_later_files_win_and_the_default_file_is_optional(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "default.toml"
    monkeypatch.setenv("DECTREE_VAR_FILE", str(default))
    assert default_var_file() == default
    assert load_var_files([]).plain == {}  # no defaults file: nothing, no error
    write(default, '[variables]\nhost = "a"\nnamespace = "n"\n[secrets]\ntoken = "t1"\n')
    extra = write(tmp_path / "extra.toml", '[variables]\nhost = "b"\ntoken = "plain"\n')
    values = load_var_files([str(extra)])
    assert values.plain == {"host": "b", "namespace": "n", "token": "plain"}
    assert values.secret == {}
    assert load_var_files([str(extra)], use_default=False).plain == {"host": "b", "token": "plain"}
    with pytest.raises(VarFileError, match="no such file"):
        load_var_files([str(tmp_path / "missing.toml")])


def test_run_refuses_a_bad_var_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "bad.toml", "[variables\n")
    assert main(["run", "--var-file", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dectree: error: {bad}: not valid TOML") and "Traceback" not in err
    assert main(["run", "--var-file", str(tmp_path / "none.toml")]) == 2
    assert "none.toml: no such file" in capsys.readouterr().err


def test_the_app_never_reads_a_secret_from_variables(tmp_path: Path) -> None:
    """A tree's secret under [variables] is skipped; under [secrets] it fills, unrecorded."""
    import asyncio

    from dectree.app.app import build_app
    from tests.unit.records_support import records_catalog

    seen: list[object] = []

    async def walk(file_variables: dict[str, str], secret_variables: dict[str, str]) -> None:
        app = build_app(
            records_catalog(),
            tree="net",
            file_variables=file_variables,
            secret_variables=secret_variables,
            attach=[lambda s: seen.append(s)],
        )
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            session = seen[-1]
            from dectree.engine.session import Session

            assert isinstance(session, Session)
            if "token" in file_variables:
                assert session.value("token") is None
                assert "token" in app._notifications.__iter__().__next__().message
            else:
                assert session.value("token") == "s3cr3t"
                assert all("s3cr3t" not in e.model_dump_json() for e in session.events)
            assert session.value("host") == "web-01"

    asyncio.run(walk({"host": "web-01", "token": "s3cr3t"}, {}))
    asyncio.run(walk({"host": "web-01"}, {"token": "s3cr3t"}))


def test_deeply_nested_toml_is_an_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = write(tmp_path / "deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(VarFileError, match="nested too deeply"):
        read_var_file(deep)
    assert main(["run", "database", "--var-file", str(deep)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dectree: error: {deep}: not valid TOML") and "Traceback" not in err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory", "too-large"])
def test_only_a_regular_file_of_bounded_size_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / "v.toml"
    if kind == "fifo":
        os.mkfifo(path)  # a plain read blocks until a writer comes: forever
        expected = "not a regular file (a FIFO)"
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")  # a plain read never ends
        expected = "not a regular file (a character device)"
    elif kind == "directory":
        path.mkdir()
        expected = "not a regular file (a directory)"
    else:
        write(path, "# " + "x" * (2 << 20) + "\n")
        expected = "2,097,155 bytes, over the limit of 1,048,576 bytes"
    with pytest.raises(VarFileError) as caught:
        read_var_file(path)
    assert str(caught.value) == f"{path}: cannot read: {expected}"
    monkeypatch.setenv("DECTREE_VAR_FILE", str(path))  # the per-user defaults file, too
    with pytest.raises(VarFileError, match="cannot read"):
        load_var_files([])
    assert main(["run", "database"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: cannot read: {expected}" in err and "Traceback" not in err
