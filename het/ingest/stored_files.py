"""Original extract files as kept in the store: zlib-compressed, addressed by the original's sha256."""

from __future__ import annotations

import hashlib
import zlib

from het.store import Store, read_query

COMPRESSION = "zlib"
LEVEL = 1  # fast: text extracts still shrink about tenfold


def compress(content: bytes) -> bytes:
    """The stored form of an original (zlib releases the GIL, so this can run beside DuckDB work)."""
    return zlib.compress(content, LEVEL)


def keep_original(cur, content: bytes, *, digest: str | None = None, compressed: bytes | None = None) -> str:
    """Store the original bytes (once per sha256) inside the caller's transaction; return the sha256.

    `digest` and `compressed` are the content's sha256 and compress(content), when the caller has them.
    """
    digest = digest or hashlib.sha256(content).hexdigest()
    stored = compressed if compressed is not None else compress(content)
    cur.execute(
        read_query("insert_extract_file"),
        {"sha256": digest, "size_bytes": len(content), "content": stored, "compression": COMPRESSION},
    )
    return digest


def original_file(store: Store, extract_id: int) -> tuple[str, bytes]:
    """The file name and the exact original bytes of an extract (checked against its sha256)."""
    found = store.query("extract_file", extract_id=extract_id)
    if found.empty:
        raise ValueError(f"extract {extract_id} has no stored original file")
    row = found.iloc[0]
    content = bytes(row["content"])
    if row["compression"] == COMPRESSION:
        content = zlib.decompress(content)
    if hashlib.sha256(content).hexdigest() != row["sha256"]:
        raise ValueError(f"the stored original of extract {extract_id} does not match its sha256")
    return row["file_name"], content
