"""The map: the QtWebEngine view, its locked-down page, the app scheme and the bridge."""
