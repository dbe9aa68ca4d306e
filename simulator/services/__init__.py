"""Use cases called by the web app and the CLI."""
