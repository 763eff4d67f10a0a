"""`python -m geotweets_desktop` is the same as the `geotweets` command."""

import sys

from geotweets_desktop.cli import main

sys.exit(main())
