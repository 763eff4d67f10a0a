"""Dialogs: archives, credentials, export, sessions and usage limits."""
