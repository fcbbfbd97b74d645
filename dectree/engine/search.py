"""Search over every node of the loaded trees: paste an error, find where to start.

Ranking, best first:

1. exact: a symptom string found in the query (a pasted log line that contains
   it) or the query found in a symptom, case-insensitive, whitespace collapsed;
2. words: query words found in symptoms, titles, prompts, root causes, weighted
   by rarity (an IDF weight) and by field;
3. fuzzy: query words that are not in any tree, matched to similar words through
   a trigram index of the vocabulary (typos).

Scores sort in that order: exact hits score 3 to 4, word hits 2 to 3, fuzzy hits
1 to 2. The index is built once; a query only touches the postings of its words,
so it stays fast over very large catalogs.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from dectree.engine.walk import node_prompt
from dectree.model.tree import Action, AnyNode, Conclusion, Escalation, Question, Tree

STOP_WORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i
    if in into is it its may my no not of on or our so than that the their them then there
    these they this to was we were what when where which while who why will with would you
    your""".split()
)

# Field weights: how much a word found in that field counts.
FIELD_WEIGHTS: dict[str, float] = {
    "symptoms": 1.0,
    "tree.symptoms": 1.0,
    "title": 0.9,
    "tree.title": 0.7,
    "prompt": 0.6,
    "root_cause": 0.6,
    "reason": 0.5,
}

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_MIN_FUZZY_LEN = 4
_FUZZY_MIN_SIMILARITY = 0.5
_FUZZY_WORDS_PER_TOKEN = 3
# A word in more nodes than this only adds weight to nodes already found.
_COMMON_POSTINGS = 2_000
_MIN_QUERY_IN_SYMPTOM = 8
_STRONG = 0.9  # field weight of symptoms and titles
_MAX_SCORED = 1_000


_TREE_LEVEL_PENALTY = 0.001
# Parts of a pasted log line that say when and which process, not what went
# wrong: ISO and syslog timestamps, times, [pid] and long hex ids.
_NOISE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) +\d{1,2} +\d{2}:\d{2}:\d{2}"
    r"|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
    r"|\[\d+\]"
    r"|\b[0-9a-f]{12,}\b"
)


def _strip_noise(norm: str) -> str:
    """A normalised query without timestamps, pids and ids (for word matching)."""
    stripped = _NOISE_RE.sub(" ", norm)
    return stripped if stripped.strip() else norm


def normalise(text: str) -> str:
    """Lower case with every run of whitespace collapsed to one space."""
    return " ".join(text.casefold().split())


def tokens(text: str) -> list[str]:
    """The words of a text, lower case, stop words included."""
    return _TOKEN_RE.findall(text.casefold())


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Hit:
    """One search result: a node, its score, and what matched."""

    tree_id: str
    node_id: str
    title: str
    score: float
    field: str
    kind: str  # "exact" | "words" | "fuzzy"
    text: str

    @property
    def ref(self) -> str:
        """`tree:node` of the hit."""
        return f"{self.tree_id}:{self.node_id}"


def node_title(node: AnyNode, limit: int = 80) -> str:
    """A short name for a node: its title, else the start of its prompt."""
    if node.title:
        return node.title
    text = " ".join(node_prompt(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_fields(node: AnyNode) -> list[tuple[str, str]]:
    fields = [("symptoms", text) for text in node.symptoms]
    if node.title:
        fields.append(("title", node.title))
    if isinstance(node, (Question, Action)):
        fields.append(("prompt", node.prompt))
    elif isinstance(node, Conclusion):
        fields.append(("root_cause", node.root_cause))
    elif isinstance(node, Escalation):
        fields.append(("reason", node.reason))
    return fields


@dataclass(frozen=True)
class Entry:
    """What the index holds for one node: its name and its searchable fields."""

    tree_id: str
    node_id: str
    title: str
    fields: tuple[tuple[str, str], ...]  # (field name from FIELD_WEIGHTS, text)


def tree_entries(trees: Mapping[str, Tree]) -> Iterator[Entry]:
    """One entry per node; a tree's symptoms and title count for its start node."""
    for tree_id in sorted(trees):
        tree = trees[tree_id]
        for node_id, node in tree.nodes.items():
            fields = _node_fields(node)
            if node_id == tree.start:
                fields += [("tree.symptoms", text) for text in tree.symptoms]
                fields.append(("tree.title", tree.title))
            yield Entry(tree.id, node_id, node_title(node), tuple(fields))


class SearchIndex:
    """An index over all nodes of some trees; build once, query many times."""

    def __init__(self, trees: Mapping[str, Tree]) -> None:
        self._build(tree_entries(trees))

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> SearchIndex:
        """An index over ready-made entries instead of trees."""
        index = cls.__new__(cls)
        index._build(entries)
        return index

    def __len__(self) -> int:
        return len(self._nodes)

    # -- building ------------------------------------------------------------

    def _build(self, entries: Iterable[Entry]) -> None:
        self._nodes: list[tuple[str, str, str]] = []  # (tree id, node id, title)
        # Fields: parallel lists by field index.
        self._field_node: list[int] = []
        self._field_name: list[str] = []
        self._field_text: list[str] = []
        self._field_weight: list[float] = []
        # word -> node -> index of the best field of that node holding the word
        self._postings: dict[str, dict[int, int]] = defaultdict(dict)
        # symptom word -> symptom fields holding it; symptom norm text by field
        self._symptom_words: dict[str, set[int]] = defaultdict(set)
        self._symptom_norm: dict[int, str] = {}
        self._symptom_tokens: dict[int, set[str]] = {}
        for entry in entries:
            # Best fields first, so the first field to hold a word is the best one.
            fields = sorted(entry.fields, key=lambda item: -FIELD_WEIGHTS[item[0]])
            self._add_node(entry.tree_id, entry.node_id, entry.title, fields)
        self._postings = dict(self._postings)
        self._symptom_words = dict(self._symptom_words)
        self._index_symptom_keys()
        self._trigrams: dict[str, list[str]] = defaultdict(list)
        for word in self._postings:
            if len(word) >= _MIN_FUZZY_LEN - 1:
                for gram in _trigrams(word):
                    self._trigrams[gram].append(word)

    def _add_node(
        self, tree_id: str, node_id: str, title: str, fields: list[tuple[str, str]]
    ) -> None:
        node = len(self._nodes)
        self._nodes.append((tree_id, node_id, title))
        postings = self._postings
        for name, text in fields:
            index = len(self._field_node)
            self._field_node.append(node)
            self._field_name.append(name)
            self._field_text.append(text)
            self._field_weight.append(FIELD_WEIGHTS[name])
            words = set(tokens(text))
            for word in words:
                postings[word].setdefault(node, index)
            if name.endswith("symptoms"):
                self._symptom_norm[index] = normalise(text)
                self._symptom_tokens[index] = words
                symptom_words = self._symptom_words
                for word in words:
                    symptom_words[word].add(index)

    def _index_symptom_keys(self) -> None:
        # Each symptom under its rarest word: a query holding the symptom holds that word.
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._no_words: list[int] = []
        counts = {word: len(fields) for word, fields in self._symptom_words.items()}
        for index, words in self._symptom_tokens.items():
            if words:
                key = min(words, key=counts.__getitem__)
                self._by_key[key].append(index)
            else:
                self._no_words.append(index)
        del self._symptom_tokens

    # -- querying --------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best `limit` nodes for `query`, best first."""
        norm = normalise(query)
        if not norm or limit <= 0:
            return []
        best: dict[int, tuple[float, str, int]] = {}  # node -> (score, kind, field)
        for field_index, score in self._exact(norm).items():
            node = self._field_node[field_index]
            if self._field_name[field_index] == "tree.symptoms":
                score -= _TREE_LEVEL_PENALTY  # the node that owns the symptom wins
            if node not in best or best[node][0] < score:
                best[node] = (score, "exact", field_index)
        words = self._words(_strip_noise(norm), limit)
        for node, (score, kind, field_index) in words.items():
            if node not in best or best[node][0] < score:
                best[node] = (score, kind, field_index)
        top = heapq.nsmallest(
            limit, best.items(), key=lambda item: (-item[1][0], self._nodes[item[0]][:2])
        )
        hits = []
        for node, (score, kind, field_index) in top:
            tree_id, node_id, title = self._nodes[node]
            hits.append(
                Hit(
                    tree_id,
                    node_id,
                    title,
                    round(score, 4),
                    self._field_name[field_index],
                    kind,
                    self._field_text[field_index],
                )
            )
        return hits

    def _exact(self, norm: str) -> dict[int, float]:
        """Symptom fields in the query or holding the query -> score in [3, 4)."""
        found: dict[int, float] = {}
        words = tokens(norm)
        candidates = [i for w in set(words) for i in self._by_key.get(w, ())] + self._no_words
        for i in candidates:
            symptom = self._symptom_norm[i]
            if symptom and symptom in norm:
                found[i] = 3 + 0.999 * len(symptom) / len(norm)
        if len(norm) < _MIN_QUERY_IN_SYMPTOM or not words:
            return found
        # The query inside a symptom: its inner words are whole words of the symptom;
        # the first and last may be cut short.
        inner = words[1:-1] if len(words) >= 3 else [w for w in words if w in self._symptom_words]
        if not inner or any(w not in self._symptom_words for w in inner):
            return found
        sets = sorted((self._symptom_words[w] for w in inner), key=len)
        for i in set.intersection(*sets) if len(sets) > 1 else sets[0]:
            symptom = self._symptom_norm[i]
            if i not in found and norm in symptom:
                found[i] = 3 + 0.999 * len(norm) / len(symptom)
        return found

    def _words(self, norm: str, limit: int) -> dict[int, tuple[float, str, int]]:
        """Word and fuzzy matches -> (score, kind, best field)."""
        all_words = list(dict.fromkeys(tokens(norm)))
        words = [w for w in all_words if w not in STOP_WORDS] or all_words
        total_nodes = max(len(self._nodes), 1)
        # (word in the index, similarity, counts as exact word)
        terms: list[tuple[str, float, bool]] = []
        for word in words:
            if word in self._postings:
                terms.append((word, 1.0, True))
            elif len(word) >= _MIN_FUZZY_LEN:
                terms.extend((w, sim, False) for w, sim in self._similar(word))
        if not terms:
            return {}
        terms.sort(key=lambda t: len(self._postings[t[0]]))
        candidates = self._candidates([t[0] for t in terms], limit)
        weighted = [
            (self._postings[w], math.log(1 + total_nodes / len(self._postings[w])) * sim, exact)
            for w, sim, exact in terms
        ]
        query_weight = math.log(1 + total_nodes) * len(words)
        field_weight = self._field_weight
        result: dict[int, tuple[float, str, int]] = {}
        for node in candidates:
            found = fuzzy = 0.0
            best_gain, best_field = -1.0, -1
            for postings, gain_per_weight, exact in weighted:
                index = postings.get(node)
                if index is None:
                    continue
                gain = gain_per_weight * field_weight[index]
                if exact:
                    found += gain
                else:
                    fuzzy += gain
                if gain > best_gain:
                    best_gain, best_field = gain, index
            share = min(1.0, (found + fuzzy) / query_weight)
            if found > 0:
                result[node] = (2 + 0.999 * share, "words", best_field)
            else:
                result[node] = (1 + 0.999 * share, "fuzzy", best_field)
        return result

    def _candidates(self, words: list[str], limit: int) -> set[int]:
        """Nodes worth scoring for `words` (rarest first), bounded for common words."""
        rare = [w for w in words if len(self._postings[w]) <= _COMMON_POSTINGS]
        if rare:
            return {node for w in rare for node in self._postings[w]}
        # Only common words: nodes holding as many of them as possible (set
        # intersections run in C), preferring nodes with them in a symptom or title.
        found = set(self._postings[words[0]])
        for word in words[1:]:
            narrower = found.intersection(self._postings[word])
            if len(narrower) < limit:
                break
            found = narrower
        if len(found) > _MAX_SCORED:
            postings, weights = self._postings[words[0]], self._field_weight
            strong = {node for node in found if weights[postings[node]] >= _STRONG}
            if len(strong) >= limit:
                found = strong
        if len(found) > _MAX_SCORED:
            found = set(heapq.nsmallest(_MAX_SCORED, found))
        return found

    def _similar(self, word: str) -> list[tuple[str, float]]:
        """Indexed words that look like `word` (a typo), with their similarity."""
        grams = _trigrams(word)
        shared: Counter[str] = Counter()
        for gram in grams:
            for candidate in self._trigrams.get(gram, ()):
                if abs(len(candidate) - len(word)) <= 2:
                    shared[candidate] += 1
        scored = []
        for candidate, count in shared.items():
            similarity = 2 * count / (len(grams) + len(candidate))  # a word has len() trigrams
            if similarity >= _FUZZY_MIN_SIMILARITY:
                scored.append((candidate, similarity))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:_FUZZY_WORDS_PER_TOKEN]
