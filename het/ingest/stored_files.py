"""Original extract files as kept in the store: zlib-compressed, addressed by the original's sha256."""

from __future__ import annotations

import hashlib
import zlib

from het.store import Store, read_query

COMPRESSION = "zlib"
LEVEL = 1  # fast: text extracts still shrink about tenfold


def keep_original(cur, content: bytes) -> str:
    """Store the original bytes (once per sha256) inside the caller's transaction; return the sha256."""
    digest = hashlib.sha256(content).hexdigest()
    cur.execute(
        read_query("insert_extract_file"),
        {
            "sha256": digest,
            "size_bytes": len(content),
            "content": zlib.compress(content, LEVEL),
            "compression": COMPRESSION,
        },
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
