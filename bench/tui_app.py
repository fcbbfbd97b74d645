"""The app without the command line: `build_app` on the home screen, as `dectree run` makes it.

Timed by `bench_tui.py` beside `python -m dectree` to tell the app's own
start-up from the cost of the command line in front of it (argument parsing
imports every command module).
"""

from __future__ import annotations

from dectree.app.app import build_app


def load() -> object:
    from dectree.model.catalog import load_catalog

    return load_catalog([])


if __name__ == "__main__":
    build_app(load).run()  # type: ignore[arg-type]
