"""The naive peer: load every file with PyYAML's C loader, as a quick script would.

`python bench/naive_load.py FILE...`: no positions, no schema, no graph checks,
and PyYAML's YAML 1.1 rules (duplicate keys silently kept, aliases expanded).
"""

from __future__ import annotations

import sys

import yaml


def main(paths: list[str]) -> int:
    for path in paths:
        with open(path, "rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
