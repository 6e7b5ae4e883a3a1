"""akhbar: cross-lingual (Persian/Arabic) news event clustering and extractive summarization.

    from akhbar import Pipeline
    result = Pipeline().run(["seeds/"])
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Pipeline", "PipelineResult", "__version__"]


def __getattr__(name: str):
    # Lazy: importing akhbar.types from a stage must not pull in every stage.
    if name in ("Pipeline", "PipelineResult"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'akhbar' has no attribute {name!r}")
