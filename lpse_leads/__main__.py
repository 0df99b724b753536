"""`python -m lpse_leads` runs the CLI (used where the console script is not on PATH)."""

import sys

from lpse_leads.cli import main

sys.exit(main())
