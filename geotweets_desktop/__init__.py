"""GeoTweets Desktop: posts on X that match a term, dropped onto a live map."""

__version__ = "0.1.0"
APP_NAME = "GeoTweets Desktop"
