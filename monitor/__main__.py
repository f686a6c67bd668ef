"""`python -m monitor` is the `zendesk-monitor` command."""

import sys

from monitor.cli import main

sys.exit(main())
