"""`python -m dectree`."""

from __future__ import annotations

import sys

from dectree.cli import main

if __name__ == "__main__":
    sys.exit(main())
