"""boilerstrip: keep the reporting body of a scraped web page's text."""

from boilerstrip.types import Block, Decision, Document, Kind, Label

__all__ = ["Block", "Decision", "Document", "Kind", "Label"]
__version__ = "0.1.0"
