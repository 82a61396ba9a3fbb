"""Web Push: browsers subscribe to be told of DMs and @mentions while no tab is open."""
