"""Qt-free logic: post model, geolocation, terms, the session store."""
