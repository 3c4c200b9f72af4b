"""Agreement files → plain values + a source map, strictly; problems become findings.

The steps, one module each: ``read`` (bytes → text), ``fast_yaml`` (the common YAML subset
→ values and marks, line by line; ``flow_yaml``, ``block_scalar``) or else ``strict_yaml``
(text → values and marks through libyaml, every problem found; ``json_nodes`` for JSON),
both typing scalars by ``scalars``, ``validate`` (the schema, and typed values), ``load``
(the steps in order); ``files`` finds agreements below folders; ``model`` is the Document.
"""

from qrules.document.files import SUFFIXES, agreement_files
from qrules.document.load import load_document, parse_document
from qrules.document.model import LOADER_TITLES, Document
from qrules.document.validate import AGREEMENT_VERSION
from qrules.model.paths import DocPath, Location, dotted

__all__ = [
    "AGREEMENT_VERSION",
    "LOADER_TITLES",
    "SUFFIXES",
    "DocPath",
    "Document",
    "Location",
    "agreement_files",
    "dotted",
    "load_document",
    "parse_document",
]
