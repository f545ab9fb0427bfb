import sys

from iaclint.cli import main

sys.exit(main())
