"""Checking trees: the networkx graph, the validator, its cache, scenario tests.

Owns: `graph` (all trees as one networkx graph, cross-tree links included),
`local` (the checks that see one file, and each tree's `TreeFacts`),
`crosstree` (the checks across trees, over the facts), `validate` (both, over
a catalog: `Problem` records sorted), `incremental` (both, file by file, with
each file's facts kept per content: what `dectree validate` runs), `cache`
(content-keyed results of `dectree validate`), `scenarios` (each tree's
scenarios walked through the real `Session`).
Invariants: problems are data with a code and a position, never prints; the
validator never imports textual (`dectree validate` must start fast).
May import: `dectree.engine`, `dectree.model`, `dectree.source`, `dectree.text`.
"""

from __future__ import annotations
