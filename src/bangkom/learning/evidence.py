"""Evidence files of learning records: PDF or image, checked by content (never by the name or the browser's
claim), size-limited. Images must also open as images; a renamed executable is refused."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from PIL import Image, UnidentifiedImageError

# magic bytes -> (MIME type, extension)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True)
class EvidenceCheck:
    content_type: str
    extension: str


class EvidenceRefused(ValueError):
    """`code` is "too_large", "empty" or "type"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def max_bytes() -> int:
    return int(settings.BANGKOM_EVIDENCE_MAX_BYTES)


def check_evidence(file: IO[bytes], size: int) -> EvidenceCheck:
    if size > max_bytes():
        raise EvidenceRefused("too_large")
    if size == 0:
        raise EvidenceRefused("empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    found = next(((t, e) for magic, t, e in _SIGNATURES if head.startswith(magic)), None)
    if found is None:
        raise EvidenceRefused("type")
    content_type, ext = found
    if content_type.startswith("image/"):
        try:
            with Image.open(io.BytesIO(file.read())) as img:
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise EvidenceRefused("type") from exc
        finally:
            file.seek(0)
    return EvidenceCheck(content_type, ext)
