"""What every feature shares: ids, clock, errors, wire models, storage, events, crypto, auth."""
