"""Models stored compressed: their JSON, zlib-compressed, in one binary attribute. Keys and
stamps repeat much in links and cursors, so an item stays within a write unit or a few
instead of one per kilobyte of JSON."""

from __future__ import annotations

import zlib
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def pack(model: BaseModel) -> bytes:
    return zlib.compress(model.model_dump_json().encode())


def unpack(raw: Any, model_type: type[M]) -> M:
    """``raw`` as the table hands it back: bytes, or boto3's ``Binary`` wrapping them."""
    data = bytes(raw.value if hasattr(raw, "value") else raw)
    return model_type.model_validate_json(zlib.decompress(data))
