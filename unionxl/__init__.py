"""unionxl: forms, checks and consolidation for trade-union statistical appendices in Excel."""

__version__ = "0.1.0"
