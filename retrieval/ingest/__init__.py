"""Ingestion: article files, web pages and news feeds in, cleaned articles out."""

# Branch live-news only, until the lead's restructure lands: this package shadows the module
# retrieval/ingest.py, so its names are loaded from that file and re-exported here to keep
# `from retrieval.ingest import load_articles` working. The restructured __init__ replaces
# this block when the branches merge.
import importlib.util as _importlib_util
import sys as _sys
from pathlib import Path as _Path

_LEGACY_NAME = "retrieval._ingest_files"
_legacy_spec = _importlib_util.spec_from_file_location(
    _LEGACY_NAME, _Path(__file__).resolve().parent.parent / "ingest.py"
)
if _legacy_spec is not None and _legacy_spec.loader is not None:
    _legacy = _importlib_util.module_from_spec(_legacy_spec)
    _sys.modules[_LEGACY_NAME] = _legacy
    _legacy_spec.loader.exec_module(_legacy)
    globals().update({k: v for k, v in vars(_legacy).items() if not k.startswith("__")})
