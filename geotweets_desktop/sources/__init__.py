"""Stream sources behind one small interface (see base.py). No Qt in here."""
