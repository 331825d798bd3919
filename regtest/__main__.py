"""`python -m regtest`: the node, as `mine2compute node` runs it."""

import sys

from regtest.cli import main

sys.exit(main())
