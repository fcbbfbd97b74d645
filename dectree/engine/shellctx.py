"""Where each `{name}` placeholder of a command stands, shell by shell.

A filled value must reach the program as one argument, byte for byte, through
every shell that parses it: the local `sh -c`, then any shell the command
starts with a script built from its words (`sh -c '...'`, `bash -lc "..."`,
`su -c`, `eval`, `watch`, the remote shell of `ssh HOST words...`, and those
behind wrappers such as `sudo`, `env`, `timeout`, `xargs`, `kubectl exec ...
--`, `docker exec`). The command is parsed with bashlex, a port of bash's own
parser; each placeholder is replaced by an inert sentinel word first, so the
parse sees the command's structure and every sentinel can be found again in
the words of each layer.

The result per placeholder is a `Context`: the quoting state at each layer,
outermost first (`quote_through` quotes for all of them, innermost first), or
the reason no quoting can make it safe (backticks, comments, here-documents,
`${...}`, `$'...'`, arithmetic, the program name itself, a command the parser
cannot read). The validator reports those (DT221, DT222) and the filler
refuses to fill them.

Assumed: remote login shells (ssh) are POSIX shells.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dectree.model.tree import PLACEHOLDER_RE, unescape

OUTSIDE, SINGLE, DOUBLE = "outside", "single", "double"
_ANSI = "ansi-c"

UNSAFE = "DT221"
"""The placeholder stands where no quoting keeps its value inert."""
UNPARSED = "DT222"
"""The command (or a script nested in it) cannot be read by the shell parser."""

_SENTINEL = "%DTPH{}%"
_SENTINEL_RE = re.compile(r"%DTPH(\d+)%")
_MAX_DEPTH = 6

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "posh", "yash"})


@dataclass(frozen=True)
class Context:
    """Where one placeholder occurrence stands.

    `layers` are the quoting states (`outside`, `single`, `double`) at each
    shell that parses the value, outermost first. `code` and `reason` are set
    when the value cannot be made safe there. `option_position`: the value is
    a whole argument that a leading `-` would turn into an option (the ssh
    destination), so such values are refused.
    """

    layers: tuple[str, ...] = (OUTSIDE,)
    code: str | None = None
    reason: str | None = None
    option_position: bool = False

    @property
    def safe(self) -> bool:
        """Whether a value can be quoted for this place."""
        return self.code is None

    def describe(self) -> str:
        """The layers in words, for messages: `inside "..." of sh -c`."""
        return " > ".join(self.layers)


def quote_for(value: str, state: str) -> str:
    """`value` as inert text in one shell at quoting `state`."""
    if state == SINGLE:
        return value.replace("'", "'\\''")
    if state == DOUBLE:
        return "".join("\\" + c if c in '\\"$`' else c for c in value)
    return shlex.quote(value)


def quote_through(value: str, layers: tuple[str, ...]) -> str:
    """`value` quoted so that every layer, outermost first, passes it on intact."""
    for state in reversed(layers):
        value = quote_for(value, state)
    return value


@lru_cache(maxsize=4096)
def contexts(template: str) -> tuple[Context, ...]:
    """One `Context` per placeholder occurrence of `template`, in order."""
    pieces: list[str] = []
    pos = 0
    count = 0
    for match in PLACEHOLDER_RE.finditer(template):
        pieces.append(unescape(template[pos : match.start()]))
        pieces.append(_SENTINEL.format(count))
        count += 1
        pos = match.end()
    pieces.append(unescape(template[pos:]))
    if not count:
        return ()
    text = "".join(pieces)
    found = dict(_shaped(_shape(text)))
    if any(c.code == UNPARSED for c in found.values()):
        found = _script(text, 0)  # parse errors are reported on the real text
    default = Context(
        (),
        UNSAFE,
        "it is in a comment, a here-document or syntax that is not a plain command word",
    )
    return tuple(found.get(i, default) for i in range(count))


# The parse (pure Python) costs about half a millisecond per command, and the
# generated trees of the benchmark hold commands made from a few templates: so
# results are cached on the command's *shape*, in which every run of letters
# and digits that the analysis never looks at becomes `w`. Kept: runs of one
# or two characters (options such as -c, fds, `in`), shell reserved words, and
# every name and option the nesting rules below compare words with. The
# quoting characters, operators and sentinels are untouched, so a command and
# its shape parse to the same structure; a test checks this on every shipped
# command and on generated ones. Here-documents are never shaped (a body line
# could become equal to its delimiter).
_RESERVED = frozenset(
    "if then else elif fi case esac for select while until do done in function coproc time _ime".split()
)
_RUN_RE = re.compile(r"(%DTPH\d+%)|([A-Za-z0-9_]+)")


def _shape(text: str) -> str:
    if "<<" in text:
        return text
    keep = _keep_words()

    def one(match: re.Match[str]) -> str:
        run = match.group(2)
        if run is None or len(run) <= 2 or run in keep:
            return match.group(0)
        return "w"

    return _RUN_RE.sub(one, text)


@lru_cache(maxsize=1)
def _keep_words() -> frozenset[str]:
    words = set(SHELLS) | set(_RESERVED) | set(_WRAPPERS) | set(_POSITIONAL)
    words |= {
        "eval", "ssh", "watch", "su", "flock", "script", "kubectl", "oc", "docker", "podman",
        "nerdctl", "crictl", "ip", "netns", "exec", "find", "execdir", "ok", "okdir",
        "interval", "command",
    }  # fmt: skip
    options = [*(o for opts in _WRAPPERS.values() for o in opts), *_SSH_ARGS, *_CONTAINER_ARGS]
    for option in options:
        words.update(re.findall(r"[A-Za-z0-9_]+", option))
    return frozenset(words)


@lru_cache(maxsize=8192)
def _shaped(shape: str) -> tuple[tuple[int, Context], ...]:
    return tuple(_script(shape, 0).items())


def _sentinels(text: str) -> list[int]:
    return [int(m.group(1)) for m in _SENTINEL_RE.finditer(text)]


# Rewrites before parsing that move no character: the `time` keyword (read as
# a word `_ime`) and quoted here-document delimiters (`<<'EOF'`), two bashlex
# gaps; and the trees' manual stand-ins (`<unit>`, `<FILL IN: command>`), which
# the engineer replaces by hand, read as one word (no quote is inside one, so
# the quoting state of every placeholder is unchanged).
_TIME_RE = re.compile(r"(^|[;&|(!]\s*|\n\s*)time(?=\s)")
_HEREDOC_RE = re.compile(r"<<(-?)(['\"])([A-Za-z_][A-Za-z0-9_]*)\2")
_STAND_IN_RE = re.compile(r"<[A-Za-z][^<>\n'\"`$\\;&|()]*>")


def _arithmetic(text: str) -> tuple[str, list[int]]:
    """`$((...))` blanked out (bashlex cannot read it), and the sentinels that were inside.

    A value inside arithmetic is evaluated, not quoted (bash runs `$(...)` in an
    array subscript there), so such placeholders are unsafe.
    """
    inside: list[int] = []
    out = []
    pos = 0
    while True:
        start = text.find("$((", pos)
        if start < 0:
            break
        depth, i = 2, start + 3
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if depth:
            break  # unbalanced: leave it for the parser to report
        inside.extend(_sentinels(text[start:i]))
        out.append(text[pos:start] + "_" * (i - start))
        pos = i
    out.append(text[pos:])
    return "".join(out), inside


def _prepare(text: str) -> str:
    text = _STAND_IN_RE.sub(lambda m: "_" * len(m.group(0)), text)
    text = _TIME_RE.sub(lambda m: m.group(1) + "_ime", text)
    return _HEREDOC_RE.sub(lambda m: f"<<{m.group(1)} {m.group(3)} ", text)


def _bashlex() -> Any:
    """bashlex, with its one known endless loop turned into a parse error.

    bashlex 0.18's `_paramexpand` returns index 0 for a `${` with no `}` later in
    the same word (`${fi` ... `'`), and its word loop then starts over forever,
    growing a string until memory runs out: a tree's command could hang
    `dectree validate`. An expansion that does not move forward is refused here
    as bash refuses it ("bad substitution"), and the command is reported
    unparsed like any other the parser cannot read.
    """
    import bashlex
    from bashlex import errors, subst

    if not getattr(subst, "_dectree_guarded", False):
        original = subst._paramexpand

        def paramexpand(parserobj: Any, string: str, sindex: int) -> Any:
            node, index = original(parserobj, string, sindex)
            if index <= sindex:
                raise errors.ParsingError("bad substitution: no closing '}'", string, sindex)
            return node, index

        subst._paramexpand = paramexpand
        subst._dectree_guarded = True
    return bashlex


def _script(text: str, depth: int) -> dict[int, Context]:
    """Contexts of the sentinels in one shell script, relative to that shell."""
    out: dict[int, Context] = {}
    if depth > _MAX_DEPTH:
        for i in _sentinels(text):
            out[i] = Context((), UNSAFE, "shells are nested deeper than dectree follows")
        return out
    bashlex = _bashlex()  # a parser is needed only for commands with placeholders

    prepared, in_arithmetic = _arithmetic(text)
    for i in in_arithmetic:
        out[i] = Context((), UNSAFE, "it is inside $((...)) arithmetic, which evaluates it")
    prepared = _prepare(prepared)
    try:
        trees = bashlex.parse(prepared)
    except Exception as exc:  # bashlex raises several kinds on input it cannot read
        what = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        what = re.sub(r" \(position \d+\)$", "", what)  # offsets in our rewritten text
        where = "the command" if depth == 0 else "a script nested in the command"
        for i in _sentinels(text):
            out[i] = Context(
                (), UNPARSED, f"the shell parser cannot read {where} ({what})"
            )
        return out
    for tree in trees:
        _node(tree, prepared, depth, out)  # same length as `text`, sentinels kept
    return out


def _children(node: Any) -> list[Any]:
    kids: list[Any] = []
    for attr in ("parts", "list"):
        kids.extend(getattr(node, attr, None) or [])
    for attr in ("command", "output", "heredoc"):
        kid = getattr(node, attr, None)
        if kid is not None and hasattr(kid, "kind"):
            kids.append(kid)
    return kids


def _node(node: Any, text: str, depth: int, out: dict[int, Context]) -> None:
    kind = node.kind
    if kind == "command":
        _command(node, text, depth, out)
    elif kind in ("word", "assignment"):
        for i, state in _word(node, text, depth, out).items():
            out[i] = Context((state,))
    elif kind == "heredoc":
        start, end = node.pos
        for i in _sentinels(text[start:end]):
            out[i] = Context((), UNSAFE, "it is inside a here-document")
    else:
        for kid in _children(node):
            _node(kid, text, depth, out)


def _word(node: Any, text: str, depth: int, out: dict[int, Context]) -> dict[int, str]:
    """The sentinels directly in a word, with their quoting state.

    Sentinels inside `$(...)` or `<(...)` of the word are resolved by parsing
    the substitution (same shell, fresh quoting); those in backticks, `${...}`
    or `$'...'` are marked unsafe.
    """
    start, end = node.pos
    spans: list[tuple[int, int]] = []
    for part in getattr(node, "parts", None) or []:
        p_start, p_end = part.pos
        inner = _sentinels(text[p_start:p_end])
        if part.kind in ("commandsubstitution", "processsubstitution"):
            spans.append((p_start, p_end))
            if text.startswith("`", p_start):
                for i in inner:
                    out[i] = Context(
                        (), UNSAFE, "it is inside backticks: write $(...) instead"
                    )
            elif getattr(part, "command", None) is not None:
                _node(part.command, text, depth, out)
        elif part.kind == "parameter" and text.startswith("$'", p_start):
            continue  # bashlex reads $'...' as a parameter; the state scan sees it
        elif part.kind == "parameter":
            spans.append((p_start, p_end))
            for i in inner:
                out[i] = Context((), UNSAFE, "it is inside a ${...} expansion")
        else:
            spans.append((p_start, p_end))
            for kid in _children(part):
                _node(kid, text, depth, out)
    direct: dict[int, str] = {}
    for match in _SENTINEL_RE.finditer(text, start, end):
        at = match.start()
        if any(s <= at < e for s, e in spans):
            continue
        state = _state_at(text, start, at, spans)
        index = int(match.group(1))
        if state == _ANSI:
            out[index] = Context((), UNSAFE, "it is inside $'...' quoting")
        else:
            direct[index] = state
    return direct


def _state_at(text: str, start: int, at: int, spans: list[tuple[int, int]]) -> str:
    """The quoting state at `at` in the word that begins at `start`."""
    state = OUTSIDE
    i = start
    skips = dict(spans)
    while i < at:
        if i in skips and state != SINGLE:
            i = skips[i]
            continue
        char = text[i]
        if state == SINGLE:
            if char == "'":
                state = OUTSIDE
        elif state == _ANSI:
            if char == "\\":
                i += 1
            elif char == "'":
                state = OUTSIDE
        elif char == "\\":
            i += 1
        elif state == DOUBLE:
            if char == '"':
                state = OUTSIDE
        elif char == "'":
            state = SINGLE
        elif char == '"':
            state = DOUBLE
        elif char == "$" and text.startswith("'", i + 1):
            state = _ANSI
            i += 1
        i += 1
    return state


def _command(node: Any, text: str, depth: int, out: dict[int, Context]) -> None:
    words = [p for p in node.parts if p.kind == "word"]
    for part in node.parts:
        if part.kind != "word":
            _node(part, text, depth, out)
    direct = [_word(w, text, depth, out) for w in words]
    argv = [w.word for w in words]
    plan = _plan(argv, 0)
    scripted = {k for group in plan.scripts for k in group}
    for k, found in enumerate(direct):
        for i, state in found.items():
            if k == plan.program and k not in scripted:
                out[i] = Context(
                    (), UNSAFE, "it names the program to run: a value there is code"
                )
            elif k not in scripted:
                out[i] = Context((state,), option_position=k in plan.option_words)
    for group in plan.scripts:
        script = " ".join(argv[k] for k in group)
        outer = {i: state for k in group for i, state in direct[k].items()}
        inner = _script(script, depth + 1)
        for i, state in outer.items():
            ctx = inner.get(i)
            if ctx is None:
                ctx = Context(
                    (), UNSAFE, "it is in a comment or here-document of a nested script"
                )
            out[i] = Context(
                (state, *ctx.layers), ctx.code, ctx.reason, ctx.option_position
            )


@dataclass
class _Plan:
    """How a command's argv nests: word groups that are scripts for another shell."""

    program: int | None = None
    scripts: list[tuple[int, ...]] = field(default_factory=list)
    option_words: frozenset[int] = frozenset()


# Wrappers that run the rest of their argv as a command, and their options
# that take a separate argument.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset("-u -g -h -p -C -U -r -t -T -D -R".split()),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "--unset", "--chdir"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "ionice": frozenset({"-c", "-n", "-p", "-P", "-u"}),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "builtin": frozenset(),
    "_ime": frozenset(),
    "time": frozenset({"-f", "-o"}),
    "xargs": frozenset("-I -n -P -d -L -s -E -a -i".split()),
    "runuser": frozenset({"-u", "-g", "-G", "--user", "--group"}),
    "nsenter": frozenset({"-t", "-S", "-G", "--target"}),
    "setsid": frozenset(),
    "chrt": frozenset(),
    "taskset": frozenset(),
    "unbuffer": frozenset(),
    "strace": frozenset({"-e", "-o", "-p", "-s", "-u"}),
}
# Wrappers with positional arguments before the command: how many.
_POSITIONAL = {"timeout": 1, "chroot": 1, "taskset": 1, "chrt": 1}
_SSH_ARGS = frozenset("-B -b -c -D -E -e -F -I -i -J -L -l -m -O -o -P -p -Q -R -S -W -w".split())
_CONTAINER_ARGS = frozenset(
    "-e --env -u --user -w --workdir --env-file --detach-keys -c --container -n --namespace".split()
)


def _options(argv: list[str], i: int, takes_arg: frozenset[str]) -> int:
    """Index of the first word after the options starting at `i`."""
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return i + 1
        if not word.startswith("-") or word == "-":
            return i
        i += 2 if word in takes_arg else 1
    return i


def _plan(argv: list[str], i: int) -> _Plan:
    """Scripts for other shells among `argv[i:]`, following wrappers."""
    if i >= len(argv):
        return _Plan()
    name = posixpath.basename(argv[i])
    plan = _Plan(program=i)
    if name in SHELLS:
        j = i + 1
        has_c = False
        while j < len(argv) and argv[j].startswith(("-", "+")) and argv[j] not in ("-", "--"):
            word = argv[j]
            if word in ("-o", "+o", "-O", "+O"):
                j += 2
                continue
            if not word.startswith("--") and "c" in word[1:]:
                has_c = True
            j += 1
        if has_c and j < len(argv):
            plan.scripts = [(j,)]
        return plan
    if name == "eval" and i + 1 < len(argv):
        plan.scripts = [tuple(range(i + 1, len(argv)))]
        return plan
    if name == "ssh":
        j = _options(argv, i + 1, _SSH_ARGS)
        plan.option_words = frozenset({j})
        if j + 1 < len(argv):
            plan.scripts = [tuple(range(j + 1, len(argv)))]
        return plan
    if name == "watch":
        if "-x" in argv[i + 1 :] or "--exec" in argv[i + 1 :]:
            return _inner(plan, argv, _options(argv, i + 1, frozenset({"-n", "--interval"})))
        j = _options(argv, i + 1, frozenset({"-n", "--interval", "-q"}))
        if j < len(argv):
            plan.scripts = [tuple(range(j, len(argv)))]
        return plan
    if name in ("su", "flock", "script"):
        for j in range(i + 1, len(argv) - 1):
            if argv[j] in ("-c", "--command"):
                plan.scripts = [(j + 1,)]
                break
        return plan
    if name in _WRAPPERS or name in _POSITIONAL:
        j = _options(argv, i + 1, _WRAPPERS.get(name, frozenset()))
        if name in ("env", "sudo"):
            while j < len(argv) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[j]):
                j += 1
        j += _POSITIONAL.get(name, 0)
        return _inner(plan, argv, j)
    if name in ("kubectl", "oc") and "--" in argv[i + 1 :]:
        return _inner(plan, argv, argv.index("--", i + 1) + 1)
    if name in ("docker", "podman", "nerdctl", "crictl") and argv[i + 1 : i + 2] == ["exec"]:
        j = _options(argv, i + 2, _CONTAINER_ARGS)
        return _inner(plan, argv, j + 1)
    if name == "ip" and argv[i + 1 : i + 3] == ["netns", "exec"]:
        return _inner(plan, argv, i + 4)
    if name == "find":
        for j in range(i + 1, len(argv)):
            if argv[j] in ("-exec", "-execdir", "-ok", "-okdir"):
                end = next(
                    (k for k in range(j + 1, len(argv)) if argv[k] in (";", "+")), len(argv)
                )
                inner = _plan(argv[:end], j + 1)
                plan.scripts = inner.scripts
                return plan
        return plan
    # Anything else: a shell started further on (`docker run IMAGE sh -c '...'`).
    for j in range(i + 1, len(argv)):
        if posixpath.basename(argv[j]) in SHELLS:
            inner = _plan(argv, j)
            if inner.scripts:
                plan.scripts = inner.scripts
                return plan
    return plan


def _inner(plan: _Plan, argv: list[str], j: int) -> _Plan:
    inner = _plan(argv, j)
    plan.scripts = inner.scripts
    plan.option_words = inner.option_words
    plan.program = inner.program if inner.program is not None else plan.program
    return plan
