"""The Textual app: a thin view over the walk engine (`dectree.engine.session`).

`build_app` in `dectree.app.app` is the one place an app is made, by the CLI
and by the tests alike. Screens live in `dectree.app.screens`, widgets in
`dectree.app.widgets`. Nothing here changes a walk except through `Session`.

Invariant: no string from a tree, a journal or a variable is parsed as markup
(`dectree.app.safe`). Screens reach the app through `dectree.app.host.AppHost`,
never by importing `dectree.app.app`.
May import: `records`, `render`, `check`, `engine`, `model`, `source`, `text`;
never `dectree.mcp` or `dectree.commands`.
"""

from __future__ import annotations
