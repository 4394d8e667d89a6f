"""Every queries/*.sql header declares exactly the $params its statement binds.

House style: a query file opens with `--` comment lines saying what it returns, then `Columns: ...`, then
`Params: $a, $b (a note), ...` or `Params: none.` as the last part of the header (the list may run over
several comment lines). The statement binds its parameters as $name, never formats them in. The migrations
in queries/schema are not queries and are not checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from het.store import QUERIES_DIR

QUERY_FILES = sorted(QUERIES_DIR.glob("*.sql"))

PARAM = re.compile(r"\$([A-Za-z_]\w*)")
# One declared parameter, optionally followed by a parenthesised note: $action ('load' | 'withdraw')
PARAM_ITEM = r"\$[A-Za-z_]\w*(?: \([^()]*\))?"
PARAMS_LIST = re.compile(rf"none\.|{PARAM_ITEM}(?:, {PARAM_ITEM})*\.")
DOLLAR_QUOTE = re.compile(r"\$(?:[A-Za-z_]\w*)?\$")
# Ways of getting a value into SQL other than binding it as $name.
NOT_BOUND = re.compile(r"\$\d+|\?|\{\w*\}|%\(\w+\)s|%s\b")


class HeaderError(ValueError):
    """The header is missing or not in the house format."""


def header_lines(text: str) -> list[str]:
    """The leading `--` comment lines, without their `-- ` prefix."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        if line != "--" and not line.startswith("-- "):
            raise HeaderError(f"header line {line!r} should start with '-- '")
        lines.append(line[3:].strip())
    return lines


def parse_header(text: str) -> tuple[str, set[str]]:
    """(the header prose before `Params:`, the set of declared parameter names) of a query's text."""
    lines = header_lines(text)
    if not lines:
        raise HeaderError("no header: the file should open with `--` comment lines")
    joined = " ".join(lines)
    if joined.count("Params:") != 1:
        raise HeaderError(f"the header should say `Params:` exactly once, found {joined.count('Params:')}")
    prose, _, params = joined.partition("Params:")
    columns_at = prose.find("Columns:")
    if columns_at < 0:
        raise HeaderError("the header should say `Columns:` before `Params:`")
    if not prose[:columns_at].strip():
        raise HeaderError("the header should say what the query does before `Columns:`")
    params = params.strip()
    if not PARAMS_LIST.fullmatch(params):
        raise HeaderError(
            "the header should end with `Params: none.` or `Params: $a, $b (note), ....`"
            f" (a list of $name tokens), not `Params: {params}`"
        )
    declared = PARAM.findall(params)
    duplicated = sorted({name for name in declared if declared.count(name) > 1})
    if duplicated:
        raise HeaderError(f"the header declares {', '.join('$' + n for n in duplicated)} more than once")
    return prose, set(declared)


def sql_code(text: str) -> str:
    """The text with comments, string literals and quoted identifiers blanked out (line breaks kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ValueError("unterminated /* comment")
            end += 2
        elif text[i] in "'\"":
            quote, end = text[i], i + 1
            while True:
                end = text.find(quote, end)
                if end < 0:
                    raise ValueError(f"unterminated {quote} literal")
                if text.startswith(quote * 2, end):  # '' or "" escapes the quote
                    end += 2
                    continue
                end += 1
                break
        elif (tag := DOLLAR_QUOTE.match(text, i)) is not None:
            end = text.find(tag.group(), tag.end())
            if end < 0:
                raise ValueError(f"unterminated {tag.group()} string")
            end += len(tag.group())
        else:
            out.append(text[i])
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:end]))
        i = end
    return "".join(out)


def used_params(text: str) -> set[str]:
    """The $name parameters the statement binds (outside comments and string literals)."""
    return set(PARAM.findall(sql_code(text)))


def param_mismatch(name: str, text: str) -> str | None:
    """Why the header's Params do not match the $params the SQL uses, or None if they match."""
    prose, declared = parse_header(text)
    used = used_params(text)
    problems = []
    if used - declared:
        problems.append(
            f"used in the SQL but not declared: {', '.join(sorted('$' + p for p in used - declared))}"
        )
    if declared - used:
        problems.append(
            f"declared but not used in the SQL: {', '.join(sorted('$' + p for p in declared - used))}"
        )
    mentioned = set(PARAM.findall(prose)) - declared
    if mentioned:
        problems.append(
            f"named in the header but not in Params: {', '.join(sorted('$' + p for p in mentioned))}"
        )
    return f"{name}: header Params do not match the SQL: {'; '.join(problems)}" if problems else None


def test_there_are_queries_to_check():
    assert QUERY_FILES, f"no queries found in {QUERIES_DIR}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.name)
def test_header_declares_params(path: Path):
    try:
        parse_header(path.read_text(encoding="utf-8"))
    except HeaderError as error:
        pytest.fail(f"{path.name}: {error}")


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.name)
def test_header_params_match_sql(path: Path):
    try:
        problem = param_mismatch(path.name, path.read_text(encoding="utf-8"))
    except HeaderError as error:
        pytest.fail(f"{path.name}: {error}")
    assert problem is None, problem


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.name)
def test_one_statement_with_bound_params(path: Path):
    code = sql_code(path.read_text(encoding="utf-8")).rstrip().removesuffix(";")
    assert ";" not in code, f"{path.name}: holds more than one statement"
    formatted = sorted(set(NOT_BOUND.findall(code)))
    assert not formatted, f"{path.name}: parameters should be bound as $name, found {', '.join(formatted)}"


# --- the checker itself ---------------------------------------------------------------------------------


def test_mismatch_is_caught():
    text = "-- Made up. Columns: x. Params: $a.\nSELECT x FROM t WHERE y = $b\n"
    problem = param_mismatch("made_up.sql", text)
    assert problem is not None
    assert "made_up.sql" in problem
    assert "not declared: $b" in problem
    assert "not used in the SQL: $a" in problem


def test_params_in_comments_and_strings_are_not_used_params():
    text = (
        "-- Made up: $a in the prose. Columns: x.\n"
        "-- Params: $a,\n"
        "-- $b ('x' | 'y').\n"
        "SELECT '$not_a' AS x, \"$col\" -- $nor_this\n"
        "/* $nor_that */ FROM t WHERE y = $a AND z = $b AND w = 'it''s $still_text' AND v = $$ $q $$\n"
    )
    assert param_mismatch("made_up.sql", text) is None
    assert used_params(text) == {"a", "b"}


@pytest.mark.parametrize(
    "header",
    [
        "-- Columns: x. Params: none.",  # nothing about what it returns
        "-- Made up. Params: none.",  # no Columns
        "-- Made up. Columns: x.",  # no Params
        "-- Made up. Columns: x. Params: every column of t.",  # Params not a $name list
        "-- Made up. Columns: x. Params: $a, $a.",  # declared twice
        "--Made up. Columns: x. Params: none.",  # no space after --
    ],
)
def test_malformed_headers_are_rejected(header: str):
    with pytest.raises(HeaderError):
        parse_header(f"{header}\nSELECT 1\n")


def test_missing_header_is_rejected():
    with pytest.raises(HeaderError, match="no header"):
        parse_header("SELECT 1\n")
