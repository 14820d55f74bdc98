"""Example applications written against the framework's Flask-compatible API."""
