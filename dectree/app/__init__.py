"""The Textual app: a thin view over the walk engine (`dectree.session`).

`build_app` in `dectree.app.app` is the one place an app is made, by the CLI
and by the tests alike. Screens live in `dectree.app.screens`, widgets in
`dectree.app.widgets`. Nothing here changes a walk except through `Session`.
"""

from __future__ import annotations
