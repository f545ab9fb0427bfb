"""iaclint: stops destructive infrastructure changes before they merge."""

__version__ = "0.1.0"
