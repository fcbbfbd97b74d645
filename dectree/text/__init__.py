"""Text that leaves dectree: terminal-safe one-liners, durations and times, Markdown/Mermaid/DOT escaping.

Owns: `plain` (durations, UTC times, untrusted text on one line, no pydantic)
and `escape` (making untrusted text inert in Markdown, Mermaid and DOT).
May import: nothing of dectree. The bottom layer: every other package may use it.
"""

from __future__ import annotations
