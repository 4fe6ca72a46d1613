"""The schema generator: signatures and Google docstrings in, strict JSON schema and validation out."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from core.errors import ConfigError, ToolInputError
from tools import RunContext, function_tool
from tools._schema import parse_google_docstring


class Out(BaseModel):
    value: str


def sample(ctx: RunContext, query: Annotated[str, Field(min_length=2)], mode: Literal["a", "b"] = "a",
           k: Annotated[int, Field(ge=1, le=5)] = 3) -> Out:
    """Do a sample thing.

    Longer text that is not part of the summary line but still before the sections.

    Args:
        query: What to look for,
            continued on a second line.
        mode: Which mode.
        k: How many.

    Returns:
        Something.
    """
    return Out(value=f"{query}/{mode}/{k}")


def test_docstring_parser_reads_summary_and_multiline_args() -> None:
    doc = parse_google_docstring(sample.__doc__)
    assert doc.summary.startswith("Do a sample thing. Longer text")
    assert doc.args == {"query": "What to look for, continued on a second line.", "mode": "Which mode.",
                        "k": "How many."}


def test_schema_is_generated_and_closed() -> None:
    tool = function_tool(sample)
    schema = tool.params_schema()
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["query"]
    assert schema["properties"]["query"] == {"description": "What to look for, continued on a second line.",
                                             "minLength": 2, "type": "string"}
    assert schema["properties"]["mode"]["enum"] == ["a", "b"]
    assert schema["properties"]["k"]["maximum"] == 5
    assert "ctx" not in schema["properties"]


def test_the_same_model_validates_arguments() -> None:
    tool = function_tool(sample)
    assert tool.invoke(None, tool.parse_args('{"query": "ab", "k": 2}')) == Out(value="ab/a/2")
    for raw, needle in [('{"query": "ab"', "not valid JSON"), ('["ab"]', "JSON object"),
                        ('{"query": "a"}', "query"), ('{"query": "ab", "k": 9}', "k"),
                        ('{"query": "ab", "extra": 1}', "extra"), ('{"query": "ab", "mode": "c"}', "mode")]:
        with pytest.raises(ToolInputError, match=needle):
            tool.parse_args(raw)


def test_bad_tool_definitions_are_refused() -> None:
    def no_ctx(query: str) -> Out:
        """Summary.

        Args:
            query: q.
        """
        return Out(value=query)

    def unannotated(ctx: RunContext, query) -> Out:  # type: ignore[no-untyped-def]
        """Summary.

        Args:
            query: q.
        """
        return Out(value=query)

    def undocumented(ctx: RunContext, query: str) -> Out:
        """Summary."""
        return Out(value=query)

    def returns_text(ctx: RunContext, query: str) -> str:
        """Summary.

        Args:
            query: q.
        """
        return query

    for func, needle in [(no_ctx, "run context"), (unannotated, "no type annotation"),
                         (undocumented, "not documented"), (returns_text, "pydantic model")]:
        with pytest.raises(ConfigError, match=needle):
            function_tool(func)  # type: ignore[arg-type]
