"""boilerstrip: keep the reporting body of a scraped web page's text.

>>> import boilerstrip
>>> page = ("Home | News | Sport\\n"
...         "The council met on Monday and agreed to repair the bridge.\\n"
...         "Share on Facebook")
>>> boilerstrip.clean(page)
'The council met on Monday and agreed to repair the bridge.'
>>> [(d.label.value, d.kind.value) for d in boilerstrip.classify(page)]
[('noise', 'navigation'), ('body', 'body'), ('noise', 'share')]

The model ships with the package and is loaded once, on first use.
"""

from boilerstrip.core import classify, clean, clean_batch, clean_many
from boilerstrip.errors import BoilerstripError, ModelError, ModelVersionError
from boilerstrip.model import Model, default_model
from boilerstrip.types import Block, Decision, Document, Kind, Label

__all__ = [
    "Block",
    "BoilerstripError",
    "Decision",
    "Document",
    "Kind",
    "Label",
    "Model",
    "ModelError",
    "ModelVersionError",
    "classify",
    "clean",
    "clean_batch",
    "clean_many",
    "default_model",
]
__version__ = "0.1.0"
