"""The YAML source reader: positions, YAML 1.2 scalars, and refusals with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from dectree.model.catalog import load_file
from dectree.source.reader import read
from dectree.source.yamlsource import MAX_ALIAS_EXPANSION, PosDict, SourceError, locate

VALID = Path(__file__).parents[1] / "fixtures" / "valid" / "disk.yaml"


def refused(text: str | bytes, **kwargs: int) -> SourceError:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(SourceError) as info:
        read(raw, **kwargs)
    return info.value


def test_positions_of_keys_and_values() -> None:
    doc = read(b"a: 1\nb:\n  - x\n  - {c: d}\n")
    assert locate(doc.data, ("a",)) == (1, 4)
    assert locate(doc.data, ("a",), of_key=True) == (1, 1)
    assert locate(doc.data, ("b", 1)) == (4, 5)
    assert locate(doc.data, ("b", 1, "c")) == (4, 9)


def test_locate_falls_back_to_the_deepest_known_position() -> None:
    doc = read(b"a:\n  b: 1\n")
    assert locate(doc.data, ("a", "missing", "deeper")) == (2, 3)


def test_locate_skips_union_tags() -> None:
    doc = read(b"nodes:\n  q:\n    prompt: hi\n")
    assert locate(doc.data, ("nodes", "q", "question", "prompt")) == (3, 13)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("No", "No"),
        ("yes", "yes"),
        ("on", "on"),
        ("true", True),
        ("False", False),
        ("1:30", "1:30"),
        ("012", 12),
        ("0x1f", 31),
        ("1.5", 1.5),
        ("1_000", "1_000"),
        ("~", None),
        ("null", None),
        ("2026-11-01", "2026-11-01"),
        ("'true'", "true"),
    ],
)
def test_scalars_follow_yaml_1_2_core(text: str, value: object) -> None:
    assert read(f"k: {text}\n".encode()).data["k"] == value


def test_duplicate_key_is_refused_at_the_second_key() -> None:
    err = refused("a: 1\nb: 2\na: 3\n")
    assert (err.code, err.line, err.column) == ("DT002", 3, 1)
    assert "line 1" in err.message


def test_billion_laughs_is_refused_fast() -> None:
    levels = ["a: &a [" + ", ".join(["lol"] * 9) + "]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        levels.append(
            f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ", ".join([f"*{prev}"] * 9) + "]"
        )
    err = refused("\n".join(levels) + "\n")
    assert err.code == "DT003"
    assert err.line > 1


def test_aliases_within_the_budget_are_shared_not_refused() -> None:
    text = "base: &b {x: 1, y: 2}\n" + "".join(f"k{i}: *b\n" for i in range(100))
    doc = read(text.encode())
    assert doc.data["k99"] == {"x": 1, "y": 2}
    assert 100 * 3 < MAX_ALIAS_EXPANSION


def test_merge_keys() -> None:
    doc = read(b"base: &b {x: 1, y: 2}\nk:\n  <<: *b\n  y: 3\n")
    assert doc.data["k"] == {"x": 1, "y": 3}


def test_size_limit() -> None:
    err = refused(b"a: " + b"x" * 100 + b"\n", max_bytes=50)
    assert err.code == "DT004"


def test_non_utf8_reports_the_byte_position() -> None:
    err = refused(b"a: 1\nb: caf\xe9\n")
    assert (err.code, err.line, err.column) == ("DT005", 2, 7)


def test_utf8_bom_is_accepted() -> None:
    assert read(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "DT006"),
        ("# only a comment\n", "DT006"),
        ("- a\n", "DT006"),
        ("a: 1\n---\nb: 2\n", "DT007"),
        ("a: !!binary aGk=\n", "DT009"),
        ("? [a]\n: b\n", "DT009"),
        ("a: [\n", "DT001"),
    ],
)
def test_refusals(text: str, code: str) -> None:
    assert refused(text).code == code


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    assert refused("a: " + "[" * 10_000 + "]" * 10_000 + "\n").code == "DT008"
    assert refused("a: " + "[" * 100 + "]" * 100 + "\n").code == "DT008"


def test_mappings_carry_positions() -> None:
    doc = read(b"a:\n  b: 1\n")
    assert isinstance(doc.data["a"], PosDict)


def test_load_file_gives_a_model_with_positions() -> None:
    loaded, problems = load_file(VALID)
    assert problems == [] and loaded is not None
    assert loaded.tree.id == "disk"
    line, _ = loaded.position(("nodes", "deleted-open", "choices", 1, "next"))
    assert VALID.read_text().splitlines()[line - 1].strip() == "next: escalate-l2"


def test_load_file_unreadable(tmp_path: Path) -> None:
    loaded, problems = load_file(tmp_path)  # a directory cannot be read as a file
    assert loaded is None and problems[0].code == "DT010"


def test_models_given_the_same_fields_share_one_field_set() -> None:
    """pydantic gives every instance its own set of given fields; at 100,000 nodes
    that was 100 MB. Frozen tree models share one set per combination instead,
    and what each model reports as given stays its own."""
    import pickle

    from dectree.model.tree import Choice, Question, Tree

    tree = Tree.model_validate(
        read(VALID.read_bytes()).data
    )
    questions = [n for n in tree.nodes.values() if isinstance(n, Question)]
    choices = [c for q in questions for c in q.choices]
    assert len(choices) >= 2
    a, b = choices[0], choices[1]
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__
    assert a.model_fields_set == {"label", "next"}
    bare = Choice(label="x", next="y")
    with_when = Choice(label="x", next="y", when=[])
    assert bare.model_fields_set == {"label", "next"}
    assert with_when.model_fields_set == {"label", "next", "when"}
    assert bare.__pydantic_fields_set__ is not with_when.__pydantic_fields_set__
    # a copy with an update has its own set: the shared one is left as it was
    copied = bare.model_copy(update={"when": []})
    assert copied.model_fields_set == {"label", "next", "when"}
    assert bare.model_fields_set == {"label", "next"} == a.model_fields_set
    # the tree cache pickles trees: sharing survives and nothing is lost
    again = pickle.loads(pickle.dumps(tree))
    assert again == tree
    assert again.model_dump(exclude_unset=True) == tree.model_dump(exclude_unset=True)
