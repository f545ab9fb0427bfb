"""Command line: python tools/packgen/tfschema [--provider NAME ...] [--sources DIR] [--check]."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
