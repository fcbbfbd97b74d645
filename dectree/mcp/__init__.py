"""Room for the MCP server: the trees as tools an AI assistant walks (not built yet).

May import: everything below the views (`records`, `render`, `check`, `engine`,
`model`, `source`, `text`); never `dectree.app` or textual.
"""

from __future__ import annotations
