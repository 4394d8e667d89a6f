"""Original files: kept compressed and exact; downloaded without live spreadsheet formulas."""

from __future__ import annotations

import hashlib
import io
import zlib

import pytest
from openpyxl import Workbook

from het.ingest.originals import original_download
from het.ingest.stored_files import keep_original, original_file
from het.store import Store


def test_original_round_trips_exactly(tmp_path):
    with Store(tmp_path / "het.duckdb") as store:
        content = b"a,b\n" + b"1,2\n" * 10_000
        with store.transaction() as cur:
            digest = keep_original(cur, content)
            cur.execute(
                "INSERT INTO extracts (file_name, sha256, format, source_kind, loaded_by, loaded_at, rows_read, "
                "rows_loaded, rows_rejected, rows_new, rows_revised, rows_unchanged, status) VALUES "
                "('x.csv', $s, 'het_tidy', 'cli', 't', now(), 0, 0, 0, 0, 0, 0, 'active')",
                {"s": digest},
            )
        stored = (
            store.cursor().execute("SELECT octet_length(content), size_bytes FROM extract_files").fetchone()
        )
        assert stored[1] == len(content) and stored[0] < len(content) / 10  # compressed
        assert original_file(store, 1) == ("x.csv", content)


@pytest.mark.parametrize("compression", ["zlib", "none"])
def test_originals_stored_by_earlier_versions_still_read_back(tmp_path, compression):
    """Stores written before zstd hold zlib-compressed or uncompressed originals: both stay readable."""
    content = b"indicator_id,value\n" + b"x,1\n" * 1000
    stored = zlib.compress(content, 1) if compression == "zlib" else content
    digest = hashlib.sha256(content).hexdigest()
    with Store(tmp_path / "het.duckdb") as store:
        with store.transaction() as cur:
            cur.execute(
                "INSERT INTO extract_files (sha256, size_bytes, content, compression) VALUES ($s, $n, $c, $k)",
                {"s": digest, "n": len(content), "c": stored, "k": compression},
            )
            cur.execute(
                "INSERT INTO extracts (file_name, sha256, format, source_kind, loaded_by, loaded_at, rows_read, "
                "rows_loaded, rows_rejected, rows_new, rows_revised, rows_unchanged, status) VALUES "
                "('old.csv', $s, 'het_tidy', 'cli', 't', now(), 0, 0, 0, 0, 0, 0, 'active')",
                {"s": digest},
            )
        assert original_file(store, 1) == ("old.csv", content)


def _xlsx_with_formulas() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["B2"], sheet["A2"] = "value", 12.5, "=B1*2", '=HYPERLINK("http://x")'
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("utf8.csv", b'name,value\n=HYPERLINK("x"),-3.5\n@SUM(A1),+2\n'),
        ("utf16.csv", "name,value\n=HYPERLINK(\"x\"),-3.5\n+cmd|' /C calc'!A0,1\n".encode("utf-16")),
        ("book.xlsx", _xlsx_with_formulas()),
        ("xlsx_named.csv", _xlsx_with_formulas()),
    ],
)
def test_originals_are_served_byte_for_byte_with_a_warning(file_name, content):
    """The decision: the original, exactly as uploaded, whatever its encoding or format, never rewritten (a
    rewrite would have to parse every hostile file in the page); the warning says so."""
    served, note = original_download(content, file_name)
    assert served == content
    assert "exactly as it was uploaded" in note and "may contain spreadsheet formulas" in note
