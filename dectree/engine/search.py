"""Search over every node of the loaded trees: paste an error or describe it, find where to start.

Every hit carries a strength, so a caller knows how far to trust it:

- `exact`: a symptom string found in the query (a pasted log line that holds
  it) or the query found in a symptom, case-insensitive, whitespace collapsed;
- `strong`: the query's distinctive terms are in the node's symptoms or title;
- `weak`: common words, or words found only in long prose (root cause, detail,
  resolution), or look-alike words (typos).

Terms come from `dectree.engine.terms` (identifiers whole and split, numbers
with units, stems, a small domain vocabulary of synonyms). Word hits are ranked
by BM25F: each field's term counts are weighted (`FIELD_WEIGHTS`: symptoms >
title > prompt and choice labels > detail, root cause, resolution) before the
usual saturation and length normalisation. Exact hits rank above all others.

`entry` turns hits into where a walk should start: never a conclusion cold.
The index is built once; a query touches only the postings of its terms, so
it stays fast over very large catalogs.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from dectree.engine.terms import SYNONYM_WEIGHT, Slot, field_terms, query_slots, stem
from dectree.engine.walk import node_title
from dectree.model.tree import (
    Action,
    AnyNode,
    Conclusion,
    Question,
    Tree,
    split_ref,
)

# Field weights: how much one occurrence of a term in that field counts.
FIELD_WEIGHTS: dict[str, float] = {
    "symptoms": 3.0,
    "tree.symptoms": 1.6,
    "title": 2.2,
    "tree.title": 1.0,
    "choice": 1.2,
    "prompt": 1.0,
    "reason": 0.6,
    "root_cause": 0.6,
    "detail": 0.35,
    "resolution": 0.3,
}
# Fields whose words say what the node is about (a match there can be strong).
STRONG_FIELDS = frozenset({"symptoms", "tree.symptoms", "title", "tree.title"})
# Order in which a field is named as "where it matched", best first.
_FIELD_RANK = {name: rank for rank, name in enumerate(FIELD_WEIGHTS)}

STRENGTHS = ("exact", "strong", "weak")

_PARAMS = {"k1": 1.2, "b": 0.5}  # BM25 saturation and length normalisation
_MIN_QUERY = 2
_MIN_QUERY_IN_SYMPTOM = 8
# The query inside a longer symptom is exact only when it is most of it and more
# than a phrase: "timed out" inside "Read timed out", or "nobody can log in"
# inside a sentence about clocks, say too little to open a question at once.
_MIN_SHARE_OF_SYMPTOM = 0.5
_MIN_WORDS_IN_SYMPTOM = 3
_TREE_LEVEL_PENALTY = 0.001
# A term in more nodes than this only adds weight to nodes already found.
_COMMON_POSTINGS = 2_000
_MAX_SCORED = 1_000
# At most this many distinct terms of a query are scored (a pasted page of log).
_MAX_SLOTS = 48
_MIN_FUZZY_LEN = 4
_FUZZY_MIN_SIMILARITY = 0.5
_FUZZY_WORDS_PER_TOKEN = 3
_FUZZY_WEIGHT = 0.5
# Strong: this share of the query's term weight found in symptoms or titles,
# with at least one distinctive term (found in few nodes) among them.
_STRONG_SHARE = 0.7
_DISTINCTIVE_SHARE = 0.04


def normalise(text: str) -> str:
    """Lower case with every run of whitespace collapsed to one space."""
    return " ".join(text.casefold().split())


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Hit:
    """One search result: a node, its score, how strong, and what matched."""

    tree_id: str
    node_id: str
    title: str
    score: float
    field: str
    strength: str  # "exact" | "strong" | "weak"
    text: str
    kind: str = "question"  # the node's kind: question | action | conclusion | escalation
    share: float = 0.0  # exact hits: how much of the query (or symptom) the match covers

    @property
    def ref(self) -> str:
        """`tree:node` of the hit."""
        return f"{self.tree_id}:{self.node_id}"


@dataclass(frozen=True)
class Entry:
    """What the index holds for one node: its name, kind and searchable fields."""

    tree_id: str
    node_id: str
    title: str
    fields: tuple[tuple[str, str], ...]  # (field name from FIELD_WEIGHTS, text)
    kind: str = "question"


def _node_fields(node: AnyNode) -> list[tuple[str, str]]:
    fields = [("symptoms", text) for text in node.symptoms]
    if node.title:
        fields.append(("title", node.title))
    if isinstance(node, (Question, Action)):
        fields.append(("prompt", node.prompt))
        if node.detail:
            fields.append(("detail", node.detail))
    elif isinstance(node, Conclusion):
        fields.append(("root_cause", node.root_cause))
        if node.detail:
            fields.append(("detail", node.detail))
        fields += [("resolution", step.do) for step in node.resolution]
    else:
        fields.append(("reason", node.reason))
    return fields


def tree_entries(trees: Mapping[str, Tree]) -> Iterator[Entry]:
    """One entry per node; a tree's symptoms and title count for its start node.

    A choice's label describes where it leads, so it is searched with the node
    it leads to (in the same tree), or with the question when it leaves the tree.
    """
    for tree_id in sorted(trees):
        tree = trees[tree_id]
        labels: dict[str, list[str]] = defaultdict(list)
        for node_id, node in tree.nodes.items():
            if isinstance(node, Question):
                for choice in node.choices:
                    owner, target = split_ref(choice.next, tree_id)
                    labels[target if owner == tree_id else node_id].append(choice.label)
        for node_id, node in tree.nodes.items():
            fields = _node_fields(node)
            fields += [("choice", label) for label in labels.get(node_id, ())]
            if node_id == tree.start:
                fields += [("tree.symptoms", text) for text in tree.symptoms]
                fields.append(("tree.title", tree.title))
            yield Entry(tree.id, node_id, node_title(node), tuple(fields), node.kind)


# One term in one node: (weighted count, best field, whether a strong field has it).
_Posting = tuple[float, int, bool]


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
        self._nodes: list[tuple[str, str, str, str]] = []  # (tree, node, title, kind)
        self._field_name: list[str] = []
        self._field_text: list[str] = []
        self._length: list[float] = []
        self._postings: dict[str, dict[int, _Posting]] = defaultdict(dict)
        self._symptom_words: dict[str, set[int]] = defaultdict(set)
        self._symptom_norm: dict[int, str] = {}
        self._symptom_node: dict[int, int] = {}
        symptom_tokens: dict[int, set[str]] = {}
        for entry in entries:
            self._add_node(entry, symptom_tokens)
        self._postings = dict(self._postings)
        # Common terms: the nodes holding them in a symptom or title, made on first use.
        self._strong_nodes: dict[str, frozenset[int]] = {}
        self._symptom_words = dict(self._symptom_words)
        self._avg_length = (sum(self._length) / len(self._length)) if self._length else 1.0
        self._index_symptom_keys(symptom_tokens)
        self._trigrams: dict[str, list[str]] = defaultdict(list)
        for term in self._postings:
            if len(term) >= _MIN_FUZZY_LEN - 1 and term.isalpha():
                for gram in _trigrams(term):
                    self._trigrams[gram].append(term)

    def _add_node(self, entry: Entry, symptom_tokens: dict[int, set[str]]) -> None:
        node = len(self._nodes)
        self._nodes.append((entry.tree_id, entry.node_id, entry.title, entry.kind))
        counts: dict[str, float] = defaultdict(float)
        best: dict[str, tuple[int, int]] = {}  # term -> (field rank, field index)
        strong: set[str] = set()
        length = 0.0
        for name, text in entry.fields:
            index = len(self._field_name)
            self._field_name.append(name)
            self._field_text.append(text)
            weight = FIELD_WEIGHTS[name]
            term_counts, size = _term_counts(text)
            length += weight * size
            rank = _FIELD_RANK[name]
            for term, count in term_counts:
                counts[term] += weight * count
                if term not in best or rank < best[term][0]:
                    best[term] = (rank, index)
            if name in STRONG_FIELDS:
                strong.update(term for term, _ in term_counts)
            if name.endswith("symptoms"):
                self._symptom_norm[index] = normalise(text)
                self._symptom_node[index] = node
                words = set(_plain_words(text))
                symptom_tokens[index] = words
                for word in words:
                    self._symptom_words[word].add(index)
        self._length.append(max(length, 1.0))
        postings = self._postings
        for term, tf in counts.items():
            postings[term][node] = (tf, best[term][1], term in strong)

    def _index_symptom_keys(self, symptom_tokens: dict[int, set[str]]) -> None:
        # Each symptom under its rarest word: a query holding the symptom holds that word.
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._no_words: list[int] = []
        counts = {word: len(fields) for word, fields in self._symptom_words.items()}
        for index, words in symptom_tokens.items():
            if words:
                key = min(words, key=counts.__getitem__)
                self._by_key[key].append(index)
            else:
                self._no_words.append(index)

    # -- querying --------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best `limit` nodes for `query`, best first.

        Exact hits come first (the longer the symptom against the query, the
        better; equal ones by tree and node id, as the tree authors' tests
        expect), then the rest by BM25F score. Which of two nodes sharing a
        symptom ranks first matters little: a conclusion is entered at the
        question that decides it, usually the other node.
        """
        norm = normalise(query)
        if len(norm) < _MIN_QUERY or limit <= 0:
            return []  # one character says nothing ("q" found "Recv-Q" and opened a tree)
        exact: dict[int, tuple[float, int]] = {}  # node -> (share of the query, field)
        for field_index, share in self._exact(norm).items():
            node = self._symptom_node[field_index]
            if self._field_name[field_index] == "tree.symptoms":
                share -= _TREE_LEVEL_PENALTY  # the node that owns the symptom wins
            if node not in exact or exact[node][0] < share:
                exact[node] = (share, field_index)
        if len(exact) > limit:  # a symptom shared by many nodes: only the best are shown
            kept = heapq.nsmallest(
                limit, exact, key=lambda n: (-round(exact[n][0], 3), self._nodes[n][:2])
            )
            exact = {node: exact[node] for node in kept}
        words = self._words(query, limit, extra=exact.keys(), only_extra=len(exact) >= limit)
        best: dict[int, tuple[float, float, str, int]] = {}  # node -> (share, score, strength, field)
        for node, (share, field_index) in exact.items():
            score = words[node][0] if node in words else 0.0
            best[node] = (round(share, 3), score, "exact", field_index)
        for node, (score, strength, field_index) in words.items():
            if node not in best:
                best[node] = (0.0, score, strength, field_index)
        nodes = self._nodes
        ranked = heapq.nsmallest(
            limit,
            ((-share, -score if strength != "exact" else 0.0, *nodes[node][:2], node)
             for node, (share, score, strength, _) in best.items()),
        )
        hits = []
        for *_, node in ranked:
            share, score, strength, field_index = best[node]
            tree_id, node_id, title, kind = self._nodes[node]
            hits.append(
                Hit(
                    tree_id,
                    node_id,
                    title,
                    round(score, 4),
                    self._field_name[field_index],
                    strength,
                    self._field_text[field_index],
                    kind,
                    share,
                )
            )
        return hits

    def _exact(self, norm: str) -> dict[int, float]:
        """Symptom fields in the query or holding the query -> the share of the longer they are."""
        found: dict[int, float] = {}
        words = _plain_words(norm)
        candidates = [i for w in set(words) for i in self._by_key.get(w, ())] + self._no_words
        for i in candidates:
            symptom = self._symptom_norm[i]
            if symptom and symptom in norm:
                found[i] = len(symptom) / len(norm)
        if len(norm) < _MIN_QUERY_IN_SYMPTOM or len(words) < _MIN_WORDS_IN_SYMPTOM:
            return found
        # The query inside a symptom: its inner words are whole words of the symptom;
        # the first and last may be cut short.
        inner = words[1:-1]
        if not inner or any(w not in self._symptom_words for w in inner):
            return found
        sets = sorted((self._symptom_words[w] for w in inner), key=len)
        for i in set.intersection(*sets) if len(sets) > 1 else sets[0]:
            symptom = self._symptom_norm[i]
            if i not in found and norm in symptom:
                share = len(norm) / len(symptom)
                if share >= _MIN_SHARE_OF_SYMPTOM:
                    found[i] = share
        return found

    def _idf(self, term: str) -> float:
        df = len(self._postings[term])
        n = max(len(self._nodes), 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _words(
        self, query: str, limit: int, extra: Iterable[int] = (), *, only_extra: bool = False
    ) -> dict[int, tuple[float, str, int]]:
        """Term and look-alike matches -> (BM25F score, strength, best field).

        Scored term at a time: each slot's best alternative per node is kept,
        then summed, so a node costs only the postings it is in.
        """
        slots = [self._resolve(slot) for slot in query_slots(query)]
        slots = [slot for slot in slots if slot]
        if not slots:
            return {}
        if len(slots) > _MAX_SLOTS:  # a whole log pasted: its rarest terms say the most
            slots = heapq.nlargest(
                _MAX_SLOTS, slots, key=lambda slot: max(self._idf(t) * w for t, w, _ in slot)
            )
        n_nodes = max(len(self._nodes), 1)
        distinctive = max(3, n_nodes * _DISTINCTIVE_SHARE)
        if only_extra:
            candidates = set(extra)
        else:
            candidates = self._candidates([term for slot in slots for term, _, _ in slot], limit)
            candidates.update(extra)
        k1, b, avg = _PARAMS["k1"], _PARAMS["b"], self._avg_length
        k1_plus = k1 + 1
        lengths = self._length
        norm_len = {node: k1 * (1 - b + b * lengths[node] / avg) for node in candidates}
        score: dict[int, float] = dict.fromkeys(candidates, 0.0)
        strong_weight: dict[int, float] = {}
        sharp: set[int] = set()
        best: dict[int, tuple[float, int]] = {}  # node -> (best gain, its field)
        total = 0.0
        for slot in slots:
            # node -> (gain, posting, distinctive, literal) of the slot's best alternative
            found: dict[int, tuple[float, _Posting, bool, bool]] = {}
            weight = 0.0
            for term, term_weight, fuzzy in slot:
                postings = self._postings[term]
                idf = self._idf(term) * term_weight
                weight = max(weight, idf)
                rare = not fuzzy and len(postings) <= distinctive
                if len(postings) < len(candidates):
                    pairs = [(n, p) for n, p in postings.items() if n in norm_len]
                else:
                    pairs = [(n, postings[n]) for n in candidates if n in postings]
                for node, posting in pairs:
                    tf = posting[0]
                    gain = idf * tf * k1_plus / (tf + norm_len[node])
                    if node not in found or gain > found[node][0]:
                        found[node] = (gain, posting, rare, not fuzzy)
            total += weight
            for node, (gain, posting, rare, literal) in found.items():
                score[node] += gain
                if posting[2] and literal:
                    strong_weight[node] = strong_weight.get(node, 0.0) + weight
                    if rare:
                        sharp.add(node)
                if node not in best or gain > best[node][0]:
                    best[node] = (gain, posting[1])
        total = total or 1.0
        result: dict[int, tuple[float, str, int]] = {}
        for node, (_, field_index) in best.items():
            is_strong = node in sharp and strong_weight.get(node, 0.0) / total >= _STRONG_SHARE
            result[node] = (score[node], "strong" if is_strong else "weak", field_index)
        return result

    def _resolve(self, slot: Slot) -> list[tuple[str, float, bool]]:
        """A query slot as indexed terms: (term, weight, is a look-alike) for the term,
        its synonyms and, when the word itself is not indexed, words that look like it."""
        known = [
            (term, weight, False) for term, weight in slot.alternatives if term in self._postings
        ]
        if any(weight == 1.0 for _, weight, _ in known):
            return known
        if len(slot.word) >= _MIN_FUZZY_LEN and slot.word.isalpha():
            # Indexed terms are stems: compare the typed word and its stem with them.
            alike: dict[str, float] = {}
            for form in {slot.word, stem(slot.word)}:
                for term, similarity in self._similar(form):
                    alike[term] = max(alike.get(term, 0.0), similarity)
            known += [
                (term, similarity * _FUZZY_WEIGHT, True) for term, similarity in alike.items()
            ]
        return known

    def _candidates(self, terms: list[str], limit: int) -> set[int]:
        """Nodes worth scoring for `terms`, at most `_MAX_SCORED` of them.

        Nodes holding rare terms; when there are too many, those holding the
        most of the query's terms (counted in C by `Counter.update`).
        """
        terms = sorted(set(terms), key=lambda t: len(self._postings[t]))
        rare = [t for t in terms if len(self._postings[t]) <= _COMMON_POSTINGS]
        if rare:
            if sum(len(self._postings[t]) for t in rare) <= _MAX_SCORED:
                return {node for t in rare for node in self._postings[t]}
            counts: Counter[int] = Counter()
            for t in rare:
                counts.update(self._postings[t].keys())
            return {node for node, _ in counts.most_common(_MAX_SCORED)}
        # Only common terms: nodes holding as many of them as possible (set
        # intersections run in C), preferring nodes with them in a symptom or title.
        found = set(self._postings[terms[0]])
        for term in terms[1:]:
            narrower = found.intersection(self._postings[term])
            if len(narrower) < limit:
                break
            found = narrower
        if len(found) > _MAX_SCORED:
            strong = found.intersection(self._strong_of(terms[0]))
            if len(strong) >= limit:
                found = strong
        if len(found) > _MAX_SCORED:
            found = set(sorted(found)[:_MAX_SCORED])
        return found

    def _strong_of(self, term: str) -> frozenset[int]:
        """The nodes holding `term` in a symptom or title (kept once made)."""
        nodes = self._strong_nodes.get(term)
        if nodes is None:
            postings = self._postings[term]
            nodes = frozenset(node for node, posting in postings.items() if posting[2])
            self._strong_nodes[term] = nodes
        return nodes

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
            if similarity >= _FUZZY_MIN_SIMILARITY and candidate != word:
                scored.append((candidate, similarity))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:_FUZZY_WORDS_PER_TOKEN]


@lru_cache(maxsize=65_536)
def _term_counts(text: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """The distinct terms of a field with their counts, and the number of terms."""
    terms = field_terms(text)
    return tuple(Counter(terms).items()), len(terms)


def _plain_words(text: str) -> list[str]:
    """Lower-case runs of letters and digits (for finding symptom strings)."""
    from dectree.engine.terms import plain_words

    return plain_words(text)


# Weak hits scoring below this share of the best word score are not worth showing.
_WORTH_SHARE = 0.4


def worth_showing(hits: list[Hit], limit: int = 12) -> list[Hit]:
    """The hits worth looking at: exact ones, and the rest close to the best, at most `limit`."""
    words = [hit.score for hit in hits if hit.strength != "exact"]
    floor = max(words, default=0.0) * _WORTH_SHARE
    kept = [hit for hit in hits if hit.strength == "exact" or hit.score >= floor]
    return kept[:limit]


def group_by_tree(hits: list[Hit]) -> list[tuple[str, list[Hit]]]:
    """Hits grouped by tree, trees in the order of their best hit, hits in rank order."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.tree_id, []).append(hit)
    return list(groups.items())


# -- where Enter starts ---------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """Where a walk found by search starts, and why.

    `node_id` is always a question or action. When the hit was a conclusion or
    an escalation (`target`), the walk starts at the question that decides it
    and `choice` is the answer that leads there, shown as what search suggests.
    """

    tree_id: str
    node_id: str
    strength: str
    target: str | None  # node id of the hit, when it is not where the walk starts
    choice: int | None  # index of the suggested answer at `node_id`
    hit: Hit | None  # the hit that chose the start (None: the tree's first question)
    why: str

    @property
    def ref(self) -> str:
        """`tree:node` of the start."""
        return f"{self.tree_id}:{self.node_id}"


# A weak top hit: the best tree must have this much more weight than the next.
_TREE_MARGIN = 1.3
_TREE_VOTE_HITS = 10
# A strong hit in another tree this close to the top one makes the top one unsure.
_RIVAL_SHARE = 0.85


def entry(trees: Mapping[str, Tree], hits: list[Hit]) -> Start | None:
    """Where Enter should start for these hits; None when nothing is worth starting at.

    An exact or strong top hit starts at its node, or, for a conclusion or an
    escalation, at the question that decides it. An exact symptom found in
    several trees, or a strong hit with a close rival in another tree, is not
    sure of its tree: when the words of the query point elsewhere, it is
    treated as a weak top hit. A
    weak top hit never starts deep: the walk starts at the first question of
    the tree the hits point to, if they clearly point to one.
    """
    hits = [hit for hit in hits if hit.tree_id in trees]
    if not hits:
        return None
    top = hits[0]
    if top.strength == "exact":
        rivals = [h for h in hits if h.strength == "exact" and h.share >= top.share - 1e-9]
        if len({h.tree_id for h in rivals}) == 1:
            return _start_in_tree(trees[top.tree_id], rivals)
        # The same symptom in several trees: the other words of the query choose
        # ("psql: ... Connection refused" is the database tree's, not connectivity's).
        # When they point nowhere, the first tree by id would be a guess: the walk
        # starts at the first question of no tree, and the results show the rivals.
        tree_id = _best_tree(hits)
        if tree_id is None:
            return None
        chosen = next((h for h in rivals if h.tree_id == tree_id), None)
        if chosen is not None:
            return _start_at_hit(trees[tree_id], chosen)
    elif top.strength == "strong":
        rival = next(
            (h for h in hits[1:] if h.tree_id != top.tree_id and h.strength == "strong"), None
        )
        if rival is None or rival.score < top.score * _RIVAL_SHARE:
            return _start_at_hit(trees[top.tree_id], top)
    tree_id = _best_tree(hits)
    if tree_id is None:
        return None
    tree = trees[tree_id]
    return Start(
        tree_id,
        tree.start,
        "weak",
        None,
        None,
        None,
        "no step matches clearly: start at the tree's first question",
    )


def _start_in_tree(tree: Tree, rivals: list[Hit]) -> Start:
    """Where to start for equally good exact hits in one tree.

    One symptom listed at two steps ("i/o timeout" at a DNS conclusion and at a
    timeout question) must not open the first by id: the walk starts at the
    one the other words of the query clearly favour, else at the step that comes
    first on the way to all of them, else at the tree's first question.
    """
    starts = [_start_at_hit(tree, hit) for hit in rivals]
    if len({(s.node_id, s.choice) for s in starts}) == 1:
        return starts[0]
    # The other words of the query may still tell them apart clearly.
    scored = sorted(rivals, key=lambda hit: -hit.score)
    if scored[0].score > 0 and scored[0].score >= scored[1].score * _TREE_MARGIN:
        return _start_at_hit(tree, scored[0])
    for start in starts:
        if all(_reaches(tree, start.node_id, other.node_id) for other in starts):
            return replace(start, target=None, choice=None)  # no answer is surer than another
    return Start(
        tree.id,
        tree.start,
        "weak",
        None,
        None,
        None,
        "the match is listed at several steps of this tree: start at its first question",
    )


def _reaches(tree: Tree, source: str, target: str) -> bool:
    """Whether a walk from `source` can come to `target` within the tree."""
    seen = {source}
    stack = [source]
    while stack:
        node_id = stack.pop()
        if node_id == target:
            return True
        for nxt in _next_in_tree(tree, node_id):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _best_tree(hits: list[Hit]) -> str | None:
    """The tree the words of the best hits point to, if it is clearly ahead.

    Each of the best hits by score votes for its tree with its score, scaled
    by how close it comes to the best one ((score / best) ** 4): hits almost as
    good as the best count fully, the long tail hardly at all.
    """
    by_words = sorted(hits, key=lambda hit: -hit.score)[:_TREE_VOTE_HITS]
    if not by_words or by_words[0].score <= 0:
        return None
    best = by_words[0].score
    weight: dict[str, float] = defaultdict(float)
    for hit in by_words:
        weight[hit.tree_id] += hit.score * (hit.score / best) ** 4
    ranked = sorted(weight.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] < ranked[1][1] * _TREE_MARGIN:
        return None
    return ranked[0][0]


def _why(hit: Hit) -> str:
    label = {"symptoms": "symptom", "tree.symptoms": "symptom", "title": "title"}.get(
        hit.field, hit.field.replace("_", " ")
    )
    verb = "matched" if hit.strength == "exact" else "words in"
    return f"{verb} {label} {hit.text!r}"


def start_at(tree: Tree, hit: Hit) -> Start:
    """Where a walk for this (chosen) hit starts: the hit, or the question that decides it."""
    return _start_at_hit(tree, hit)


def _start_at_hit(tree: Tree, hit: Hit) -> Start:
    node = tree.nodes.get(hit.node_id)
    if isinstance(node, (Question, Action)):
        return Start(tree.id, hit.node_id, hit.strength, None, None, hit, _why(hit))
    decider = deciding_question(tree, hit.node_id)
    if decider is None:
        return Start(tree.id, tree.start, hit.strength, hit.node_id, None, hit, _why(hit))
    question, choice = decider
    return Start(tree.id, question, hit.strength, hit.node_id, choice, hit, _why(hit))


def deciding_question(tree: Tree, target: str) -> tuple[str, int] | None:
    """The question nearest the tree's start whose answer leads to `target`, and that answer.

    An answer leads to `target` when its next node is `target` or an action
    (or chain of actions) that leads there. Questions reached from the start
    come first, in breadth-first order; then any other question of the tree.
    """
    order = _breadth_first(tree)
    rest = [node_id for node_id in tree.nodes if node_id not in set(order)]
    for node_id in order + rest:
        node = tree.nodes[node_id]
        if not isinstance(node, Question):
            continue
        for index, choice in enumerate(node.choices):
            if _leads_to(tree, choice.next, target):
                return node_id, index
    return None


def _leads_to(tree: Tree, ref: str, target: str) -> bool:
    seen: set[str] = set()
    owner, node_id = split_ref(ref, tree.id)
    while owner == tree.id and node_id not in seen:
        if node_id == target:
            return True
        seen.add(node_id)
        node = tree.nodes.get(node_id)
        if not isinstance(node, Action):
            return False
        owner, node_id = split_ref(node.next, tree.id)
    return False


def _next_in_tree(tree: Tree, node_id: str) -> list[str]:
    """The node ids a node leads to inside its own tree (answers, or an action's next)."""
    node = tree.nodes.get(node_id)
    refs = (
        [c.next for c in node.choices]
        if isinstance(node, Question)
        else [node.next]
        if isinstance(node, Action)
        else []
    )
    out = []
    for ref in refs:
        owner, target = split_ref(ref, tree.id)
        if owner == tree.id:
            out.append(target)
    return out


def _breadth_first(tree: Tree) -> list[str]:
    order, seen = [], {tree.start}
    queue = [tree.start]
    while queue:
        node_id = queue.pop(0)
        order.append(node_id)
        for target in _next_in_tree(tree, node_id):
            if target not in seen and target in tree.nodes:
                seen.add(target)
                queue.append(target)
    return order


__all__ = [
    "FIELD_WEIGHTS",
    "STRENGTHS",
    "SYNONYM_WEIGHT",
    "Entry",
    "Hit",
    "SearchIndex",
    "Start",
    "deciding_question",
    "entry",
    "group_by_tree",
    "node_title",
    "normalise",
    "start_at",
    "tree_entries",
    "worth_showing",
]
