"""The MCP server: the trees as tools an AI assistant walks, journaled like the app.

Owns: `walks` (the walks driven by tool calls, no protocol in it: each tool is
one method returning a pydantic model, bad input is `ToolFailure`), `server`
(the official SDK's low-level `Server` with our own handlers: a table of tools
over `walks`, runbooks as resources, the `diagnose` prompt, Host/Origin checks
over HTTP).
Invariants: a client can neither read files beyond the trees nor write
outside the sessions directory (session ids are matched, never used as
paths); secret values never reach a tool result or a journal.
May import: everything below the views (`records`, `render`, `check`,
`engine`, `model`, `source`, `text`); never `dectree.app` or textual.
"""

from __future__ import annotations
