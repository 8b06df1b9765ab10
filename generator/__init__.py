"""sopbook: standard operating procedures as YAML, validated, linted and rendered into a MkDocs site."""
from __future__ import annotations

__version__ = "0.1.0"
