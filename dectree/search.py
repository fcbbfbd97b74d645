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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dectree.model import AnyNode, Tree
from dectree.walk import node_prompt

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
_COMMON_POSTINGS = 5_000
_MIN_QUERY_IN_SYMPTOM = 8


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


@dataclass(frozen=True)
class _Field:
    node: int
    name: str
    text: str
    norm: str


def node_title(node: AnyNode, limit: int = 80) -> str:
    """A short name for a node: its title, else the start of its prompt."""
    if node.title:
        return node.title
    text = " ".join(node_prompt(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SearchIndex:
    """An index over all nodes of some trees; build once, query many times."""

    def __init__(self, trees: Mapping[str, Tree]) -> None:
        self._nodes: list[tuple[str, str, str]] = []
        self._fields: list[_Field] = []
        # word -> node -> (field weight, field index) of the best field with that word
        self._postings: dict[str, dict[int, tuple[float, int]]] = defaultdict(dict)
        for tree_id in sorted(trees):
            self._add_tree(trees[tree_id])
        self._postings = dict(self._postings)
        self._build_symptom_index()
        self._trigrams: dict[str, list[str]] = defaultdict(list)
        for word in self._postings:
            if len(word) >= _MIN_FUZZY_LEN - 1:
                for gram in _trigrams(word):
                    self._trigrams[gram].append(word)

    def __len__(self) -> int:
        return len(self._nodes)

    # -- building ------------------------------------------------------------

    def _add_tree(self, tree: Tree) -> None:
        start = None
        for node_id, node in tree.nodes.items():
            index = len(self._nodes)
            self._nodes.append((tree.id, node_id, node_title(node)))
            if node_id == tree.start:
                start = index
            for symptom in node.symptoms:
                self._add_field(index, "symptoms", symptom)
            if node.title:
                self._add_field(index, "title", node.title)
            for name in ("prompt", "root_cause", "reason"):
                text = getattr(node, name, None)
                if isinstance(text, str):
                    self._add_field(index, name, text)
        if start is not None:
            for symptom in tree.symptoms:
                self._add_field(start, "tree.symptoms", symptom)
            self._add_field(start, "tree.title", tree.title)

    def _add_field(self, node: int, name: str, text: str) -> None:
        index = len(self._fields)
        self._fields.append(_Field(node, name, text, normalise(text)))
        weight = FIELD_WEIGHTS[name]
        for word in set(tokens(text)):
            postings = self._postings[word]
            best = postings.get(node)
            if best is None or best[0] < weight:
                postings[node] = (weight, index)

    def _build_symptom_index(self) -> None:
        symptoms = [i for i, f in enumerate(self._fields) if f.name.endswith("symptoms")]
        frequency: Counter[str] = Counter()
        for i in symptoms:
            frequency.update(set(tokens(self._fields[i].norm)))
        # Each symptom under its rarest word: a query holding the symptom holds that word.
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._no_words: list[int] = []
        for i in symptoms:
            words = set(tokens(self._fields[i].norm))
            if not words:
                self._no_words.append(i)
                continue
            key = min(words, key=lambda w: (frequency[w], w))
            self._by_key[key].append(i)
            for word in words:
                self._by_word[word].append(i)

    # -- querying --------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best `limit` nodes for `query`, best first."""
        norm = normalise(query)
        if not norm or limit <= 0:
            return []
        best: dict[int, tuple[float, str, int]] = {}  # node -> (score, kind, field)
        for field_index, score in self._exact(norm).items():
            node = self._fields[field_index].node
            if node not in best or best[node][0] < score:
                best[node] = (score, "exact", field_index)
        for node, (score, kind, field_index) in self._words(norm).items():
            if node not in best or best[node][0] < score:
                best[node] = (score, kind, field_index)
        top = heapq.nsmallest(
            limit, best.items(), key=lambda item: (-item[1][0], self._nodes[item[0]][:2])
        )
        hits = []
        for node, (score, kind, field_index) in top:
            tree_id, node_id, title = self._nodes[node]
            field = self._fields[field_index]
            hits.append(Hit(tree_id, node_id, title, round(score, 4), field.name, kind, field.text))
        return hits

    def _exact(self, norm: str) -> dict[int, float]:
        """Symptom fields in the query or holding the query -> score in [3, 4)."""
        found: dict[int, float] = {}
        words = set(tokens(norm))
        candidates = [i for w in words for i in self._by_key.get(w, ())] + self._no_words
        for i in candidates:
            symptom = self._fields[i].norm
            if symptom and symptom in norm:
                found[i] = 3 + 0.999 * len(symptom) / len(norm)
        known = [w for w in words if w in self._by_word]
        if len(norm) >= _MIN_QUERY_IN_SYMPTOM and known:
            rarest = min(known, key=lambda w: len(self._by_word[w]))
            for i in self._by_word[rarest]:
                symptom = self._fields[i].norm
                if i not in found and norm in symptom:
                    found[i] = 3 + 0.999 * len(norm) / len(symptom)
        return found

    def _words(self, norm: str) -> dict[int, tuple[float, str, int]]:
        """Word and fuzzy matches -> (score, kind, best field)."""
        all_words = list(dict.fromkeys(tokens(norm)))
        words = [w for w in all_words if w not in STOP_WORDS] or all_words
        if not words:
            return {}
        total_nodes = max(len(self._nodes), 1)
        max_idf = math.log(1 + total_nodes)
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
        exact_gain: dict[int, float] = {}
        fuzzy_gain: dict[int, float] = {}
        best_field: dict[int, tuple[float, int]] = {}  # node -> (gain, field index)
        for word, similarity, exact in terms:
            postings = self._postings[word]
            idf = math.log(1 + total_nodes / len(postings))
            pairs: Iterable[tuple[int, tuple[float, int]]]
            if len(postings) > _COMMON_POSTINGS and best_field:
                pairs = [(n, postings[n]) for n in best_field if n in postings]
            else:
                pairs = postings.items()
            gains = exact_gain if exact else fuzzy_gain
            for node, (weight, field_index) in pairs:
                gain = idf * weight * similarity
                gains[node] = gains.get(node, 0.0) + gain
                if gain > best_field.get(node, (-1.0, 0))[0]:
                    best_field[node] = (gain, field_index)
        query_weight = max_idf * len(words)
        result: dict[int, tuple[float, str, int]] = {}
        for node, (_, field_index) in best_field.items():
            found = exact_gain.get(node, 0.0)
            share = min(1.0, (found + fuzzy_gain.get(node, 0.0)) / query_weight)
            if found > 0:
                result[node] = (2 + 0.999 * share, "words", field_index)
            else:
                result[node] = (1 + 0.999 * share, "fuzzy", field_index)
        return result

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
            similarity = 2 * count / (len(grams) + len(_trigrams(candidate)))
            if similarity >= _FUZZY_MIN_SIMILARITY:
                scored.append((candidate, similarity))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:_FUZZY_WORDS_PER_TOKEN]
