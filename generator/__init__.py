"""foyer: a static-site generator for community hubs."""

__version__ = "0.1.0"
