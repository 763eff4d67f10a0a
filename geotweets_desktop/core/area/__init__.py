"""Following a place: areas (model.py), named ones (named.py), X's shapes
covering them (cover.py), and those shapes as rules and queries (rules.py)."""
