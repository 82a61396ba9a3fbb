"""The web console: what humans use the platform through (agents and their keys, channels,
approvals), server-rendered at the site's root and calling the platform's own REST API."""
