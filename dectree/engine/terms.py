"""Terms for search: what a text is about, the same way for trees and queries.

- identifiers stay whole and are also split: `NO_PROXY` gives `no_proxy`, `no`
  and `proxy`; `Mcp-Session-Id` gives `mcp-session-id`, `mcp`, `session`, `id`;
- numbers keep their unit: `5 s`, `5s` and `5 seconds` are all `5s`;
- words are stemmed (Snowball's English stemmer: hang, hangs, hanging; throttle,
  throttled), except words with digits;
- a small domain vocabulary (`SYNONYMS`) adds a group term (`~slow` for slow,
  latency, sluggish ...) so a description in other words still finds the node,
  at `SYNONYM_WEIGHT` of a term written the same way;
- in a query, a thing said to be fine ("CPU looks fine", "db is ok") is left out:
  it is where the problem is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # pure Python, no stubs

SYNONYM_WEIGHT = 0.6
# A number with a unit ("20 s") in a query says little about which step it is.
NUMBER_WEIGHT = 0.5

STOP_WORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i
    if in into is it its may my no not of on or our so than that the their them then there
    these they this to was we were what when where which while who why will with would you
    your s t re ve ll d m don doesn isn aren wasn weren won didn cant just after before some
    one get gets got getting keep keeps kept still even like seems seem looks look since all
    any now only again every really also us me am way thing things something someone very
    much lot lots sometimes say says said""".split()
)

# Each group: words (or phrases) that engineers use for the same thing.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "slow": ("slow", "slowness", "latency", "sluggish", "crawl", "laggy", "response time", "p99", "p95"),
    "hang": ("hang", "hung", "stuck", "freeze", "frozen", "stall", "unresponsive", "blocked"),
    "timeout": ("timeout", "timed out", "time out", "timeouts", "deadline exceeded"),
    "db": ("db", "database", "postgres", "postgresql", "pg", "psql", "mysql", "mariadb"),
    "k8s": ("k8s", "kubernetes", "kube", "pod", "kubectl", "kubelet"),
    "cert": ("cert", "certificate", "ssl", "tls", "x509", "https"),
    "unauthorized": ("401", "unauthorized", "unauthenticated"),
    "forbidden": ("403", "forbidden", "access denied", "permission denied", "not allowed"),
    "diskfull": ("disk full", "no space", "out of space", "enospc", "volume full", "disk is full"),
    "oom": ("oom", "out of memory", "oomkilled", "oom killer", "exit code 137", "exit 137"),
    "memory": ("memory", "ram", "heap", "rss"),
    "fd": ("fd", "fds", "file descriptor", "file descriptors", "file handles", "open files", "emfile"),
    "dns": ("dns", "resolve", "resolution", "lookup", "nslookup", "resolver", "name resolution"),
    "login": ("login", "log in", "logon", "sign in", "signin", "sso"),
    "token": ("token", "jwt", "bearer"),
    "ldap": ("ldap", "ldaps", "active directory", "ad"),
    "replica": ("replica", "standby", "slave", "secondary", "follower"),
    "down": ("down", "unreachable", "offline", "outage", "dead"),
    "restart": ("restart", "crashloop", "crash looping", "crashloopbackoff", "keeps restarting"),
    "lb": ("lb", "load balancer", "elb", "alb", "nlb"),
    "firewall": ("firewall", "iptables", "nftables", "security group", "firewalld"),
    "deploy": ("deploy", "deployment", "release", "rollout", "upgrade"),
    "gc": ("gc", "garbage collection", "garbage collector", "stop the world"),
    "thread": ("thread", "threads", "worker", "workers"),
    "cpu": ("cpu", "cpus", "cores", "processor"),
    "connection": ("connection", "connections", "conn", "conns"),
    "error": ("error", "fail", "failure", "broken", "broke", "errors"),
    "reject": ("reject", "rejected", "rejects", "rejecting", "deny", "denies"),
    "refused": ("refused", "refuse", "refuses", "refusing", "econnrefused"),
    "nxdomain": (
        "nxdomain",
        "host not found",
        "unknown host",
        "no such host",
        "could not resolve",
        "name or service not known",
        "does not resolve",
        "doesn't resolve",
    ),
    "mtls": ("mtls", "mutual tls", "client certificate", "client cert"),
    "idp": ("idp", "identity provider", "okta", "azure ad", "entra", "keycloak", "auth0"),
    "proxy": ("proxy", "reverse proxy", "nginx", "envoy", "haproxy"),
}

_FINE = frozenset({"fine", "ok", "okay", "normal", "healthy", "good"})
_NUMBER_UNIT_RE = re.compile(
    r"\b(\d+(?:\.\d+)?)\s?(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\b"
)
_IDENT_RE = re.compile(r"[a-z0-9]+(?:[-_./][a-z0-9]+)*")
_WORD_RE = re.compile(r"[a-z0-9]+")

_STEMMER = snowballstemmer.stemmer("english")


def plain_words(text: str) -> list[str]:
    """Lower-case runs of letters and digits."""
    return _WORD_RE.findall(text.casefold())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word; words with digits stay as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return str(_STEMMER.stemWord(word))


def _unit(raw: str) -> str:
    if raw.startswith("ms") or raw.startswith("milli"):
        return "ms"
    if raw.startswith("s"):
        return "s"
    if raw.startswith("m"):
        return "m"
    return "h"


def _build_groups() -> tuple[dict[str, str], re.Pattern[str], dict[str, str]]:
    words: dict[str, str] = {}
    phrases: dict[str, str] = {}  # phrase, words joined by one space -> group
    for group, items in SYNONYMS.items():
        for item in items:
            if " " in item:
                phrases[item] = group
            else:
                words[stem(item)] = group
    ordered = sorted(phrases, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered) + r")\b")
    return words, pattern, phrases


_GROUP_OF, _PHRASE_RE, _PHRASE_GROUP = _build_groups()


def _phrase_groups(norm: str) -> list[str]:
    """The synonym groups of the phrases in a lower-case text."""
    return [_PHRASE_GROUP[" ".join(m.group(0).split())] for m in _PHRASE_RE.finditer(norm)]


@dataclass(frozen=True)
class Slot:
    """One thing a query asks for: a word as typed, and the terms that count for it."""

    word: str
    alternatives: tuple[tuple[str, float], ...]


def _pieces(text: str) -> list[tuple[str, bool]]:
    """(term, is a whole identifier) for every identifier and word of `text`."""
    out: list[tuple[str, bool]] = []
    for ident in _IDENT_RE.findall(text):
        parts = _WORD_RE.findall(ident)
        if len(parts) > 1 and not ident.replace(".", "").isdigit():
            out.append((ident.strip("./-_"), True))
        out += [(part, False) for part in parts]
    return out


@lru_cache(maxsize=65_536)
def field_terms(text: str) -> tuple[str, ...]:
    """The index terms of a field's text (with repeats, for term counts)."""
    norm = text.casefold()
    terms: list[str] = []
    for whole, unit in _NUMBER_UNIT_RE.findall(norm):
        terms.append(whole + _unit(unit))
    terms += ["~" + group for group in _phrase_groups(norm)]
    for piece, whole in _pieces(norm):
        if whole:
            terms.append(piece)
            continue
        if piece in STOP_WORDS:
            continue
        stemmed = stem(piece)
        terms.append(stemmed)
        group = _GROUP_OF.get(stemmed)
        if group is not None:
            terms.append("~" + group)
    return tuple(terms)


def _fine_words(words: list[str]) -> set[int]:
    """Positions in one clause of words said to be fine: "cpu looks fine", "db is ok"."""
    dropped: set[int] = set()
    for i, word in enumerate(words):
        if word not in _FINE:
            continue
        dropped.add(i)
        content = [k for k in range(i) if words[k] not in STOP_WORDS and words[k] not in _FINE]
        dropped.update(content[-2:])  # the subject: up to two content words before
    return dropped


def query_slots(query: str) -> list[Slot]:
    """What a query asks for, one slot per distinct content word, identifier or phrase."""
    norm = query.casefold()
    words = _WORD_RE.findall(norm)
    # Clauses end at punctuation: "cpu is fine, disk is slow" keeps "disk".
    fine: set[str] = set()
    for clause in re.split(r"[,;.!?]| but | and ", norm):
        clause_words = _WORD_RE.findall(clause)
        fine.update(clause_words[i] for i in _fine_words(clause_words))
    slots: dict[str, Slot] = {}
    for whole, unit in _NUMBER_UNIT_RE.findall(norm):
        term = whole + _unit(unit)
        slots.setdefault(term, Slot(term, ((term, NUMBER_WEIGHT),)))
    for group in _phrase_groups(norm):
        term = "~" + group
        slots.setdefault(term, Slot(term, ((term, SYNONYM_WEIGHT),)))
    for piece, whole in _pieces(norm):
        if whole:
            slots.setdefault(piece, Slot(piece, ((piece, 1.0),)))
            continue
        if piece in STOP_WORDS or piece in fine:
            continue
        stemmed = stem(piece)
        synonym = _GROUP_OF.get(stemmed)
        if synonym is not None and "~" + synonym in slots:
            continue  # the phrase or another word of the group asks for it already
        alternatives: tuple[tuple[str, float], ...] = ((stemmed, 1.0),)
        if synonym is not None:
            alternatives += (("~" + synonym, SYNONYM_WEIGHT),)
        slots.setdefault(stemmed, Slot(piece, alternatives))
    if not slots and words:  # only stop words: search them after all
        for word in dict.fromkeys(words):
            slots.setdefault(word, Slot(word, ((stem(word), 1.0),)))
    return list(slots.values())
