"""Original extract files as kept in the store: zstd-compressed, addressed by the original's sha256; and the
events of an extract's history (loaded, withdrawn), recorded beside it.

Originals stored by earlier versions stay as they were, zlib-compressed or not compressed; the
compression column says which, and original_file reads all three."""

from __future__ import annotations

import hashlib
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import pyarrow as pa

from het.store import Store, now_utc, read_query

# zstd at level 1: on the 240 MB bench_ingest file, 0.4-0.5 s and 31 MB, where level 3 took 0.9 s and gave
# 35 MB (level 1 is also the smaller on a real Fingertips export: 35 kB against 38 kB of its 201 kB), and
# zlib at level 1 took 0.55 s for 17 MB of a 212 MB file. The compression runs beside the row checks on a
# 2-core machine, and the commit waits for it: at level 3 the load waited about 0.5 s. zlib where pyarrow
# lacks zstd.
COMPRESSION = "zstd" if pa.Codec.is_available("zstd") else "zlib"
LEVEL = 1


def record_extract_event(cur, extract_id: int, action: str, by_user: str, note: str | None) -> None:
    """One event of an extract's history ('load', 'withdraw'), now, inside the caller's transaction."""
    cur.execute(
        read_query("insert_extract_event"),
        {
            "extract_id": extract_id,
            "action": action,
            "happened_at": now_utc(),
            "by_user": by_user,
            "note": note,
        },
    )


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def compress(content: bytes) -> bytes:
    """The stored form of an original (the codecs release the GIL, so this can run beside other work)."""
    if COMPRESSION == "zstd":
        return pa.Codec("zstd", compression_level=LEVEL).compress(content, asbytes=True)
    return zlib.compress(content, LEVEL)


def decompress(stored: bytes, compression: str, size_bytes: int) -> bytes:
    """The original bytes from their stored form ('zstd', 'zlib', or 'none' for files kept as they were)."""
    if compression == "zstd":
        return pa.Codec("zstd").decompress(stored, decompressed_size=int(size_bytes), asbytes=True)
    if compression == "zlib":
        return zlib.decompress(stored)
    return stored


class PreparedOriginal(NamedTuple):
    """An original's sha256 and its stored form (compress(content))."""

    digest: str
    compressed: bytes


def prepare_original(content: bytes) -> PreparedOriginal:
    return PreparedOriginal(hashlib.sha256(content).hexdigest(), compress(content))


def prepare_in_background(content: bytes) -> Future[PreparedOriginal]:
    """prepare_original in a background thread (hashlib and the codecs release the GIL).

    Started by the reader once the file is parsed, so the hashing and compression a commit needs
    overlap the row checks (mostly one core) instead of delaying the commit.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="het-original")
    try:
        return pool.submit(prepare_original, content)
    finally:
        pool.shutdown(wait=False)  # the thread ends when its one task is done


def keep_original(
    cur,
    content: bytes,
    *,
    digest: str | None = None,
    compressed: bytes | None = None,
    size_bytes: int | None = None,
) -> str:
    """Store the original bytes (once per sha256) inside the caller's transaction; return the sha256.

    `digest`, `compressed` and `size_bytes` are the content's sha256, compress(content) and length, when
    the caller has them (then `content` itself may already be released, b"").
    """
    digest = digest or hashlib.sha256(content).hexdigest()
    stored = compressed if compressed is not None else compress(content)
    # Registered as Arrow, not bound as a parameter: a parameter of tens of megabytes takes DuckDB about
    # 0.3 s to convert. One value over the bytes' own buffer: pa.array would copy them first.
    content_array = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(),
        1,
        [None, pa.array([0, len(stored)], pa.int64()).buffers()[1], pa.py_buffer(stored)],
    )
    cur.register("original_content", pa.table({"content": content_array}))
    try:
        cur.execute(
            read_query("insert_extract_file"),
            {
                "sha256": digest,
                "size_bytes": len(content) if size_bytes is None else size_bytes,
                "compression": COMPRESSION,
            },
        )
    finally:
        cur.unregister("original_content")
    return digest


def original_file(store: Store, extract_id: int) -> tuple[str, bytes]:
    """The file name and the exact original bytes of an extract (checked against its sha256)."""
    found = store.query("extract_file", extract_id=extract_id)
    if found.empty:
        raise ValueError(f"extract {extract_id} has no stored original file")
    row = found.iloc[0]
    content = decompress(bytes(row["content"]), row["compression"], row["size_bytes"])
    if hashlib.sha256(content).hexdigest() != row["sha256"]:
        raise ValueError(f"the stored original of extract {extract_id} does not match its sha256")
    return row["file_name"], content
