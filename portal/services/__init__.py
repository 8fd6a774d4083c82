"""Business rules; the only layer that commits."""
