"""Tool schemas generated from typed signatures and Google-style docstrings (never written by hand).

:func:`function_tool` reads a tool function's signature, type hints and the ``Args:`` section of its docstring,
builds a pydantic model for the arguments the model sees (everything after the run context), and emits the JSON
schema the LLM receives. The same model validates the LLM's arguments, so the schema and the validation cannot
drift apart.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic.fields import FieldInfo

from core.errors import ConfigError, ToolInputError

_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Examples?|Notes?):\s*$")
_ARG_LINE = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


@dataclass(frozen=True)
class ParsedDocstring:
    """The summary (text before the first section) and one description per documented argument."""

    summary: str
    args: dict[str, str]


def parse_google_docstring(doc: str | None) -> ParsedDocstring:
    """Return the summary and the ``Args:`` descriptions of a Google-style docstring."""
    if not doc:
        return ParsedDocstring("", {})
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    args: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        match = _SECTION.match(stripped)
        if match and not line.startswith(" "):
            section, current = match.group(1), None
            continue
        if section is None:
            summary.append(stripped)
        elif section in ("Args", "Arguments") and stripped:
            indent = len(line) - len(line.lstrip())
            arg = _ARG_LINE.match(stripped)
            if arg and indent <= 4:
                current = arg.group(1).lstrip("*")
                args[current] = arg.group(2).strip()
            elif current:
                args[current] = f"{args[current]} {stripped}".strip()
    text = " ".join(s for s in summary if s).strip()
    return ParsedDocstring(text, args)


class _ArgsBase(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _strictify(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop pydantic's titles (noise for the model) and close every object (``additionalProperties: false``)."""
    if isinstance(schema, dict):
        schema.pop("title", None)
        if schema.get("type") == "object":
            schema.setdefault("additionalProperties", False)
        for key in ("properties", "$defs"):
            if key in schema:
                for sub in schema[key].values():
                    _strictify(sub)
        for key in ("items", "anyOf", "allOf", "oneOf"):
            value = schema.get(key)
            if isinstance(value, list):
                for sub in value:
                    _strictify(sub)
            elif isinstance(value, dict):
                _strictify(value)
    return schema


@dataclass(frozen=True)
class FunctionTool:
    """A tool the agent can call: its name, description, argument model and the typed function behind it."""

    name: str
    description: str
    args_model: type[BaseModel]
    func: Callable[..., BaseModel]
    returns: type[BaseModel]

    def params_schema(self) -> dict[str, Any]:
        """Return the JSON schema of the arguments (generated from the signature)."""
        return _strictify(self.args_model.model_json_schema())

    def openai_spec(self) -> dict[str, Any]:
        """Return the ``tools=[...]`` entry for the chat completions API."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.params_schema()},
        }

    def parse_args(self, raw: str | dict[str, Any] | None) -> BaseModel:
        """Return the validated arguments; raise :class:`ToolInputError` with a short model-readable message."""
        if raw is None or raw == "":
            data: Any = {}
        elif isinstance(raw, dict):
            data = raw
        else:
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as err:
                raise ToolInputError(f"arguments of {self.name} are not valid JSON ({err.msg})") from None
        if not isinstance(data, dict):
            raise ToolInputError(f"arguments of {self.name} must be a JSON object")
        try:
            return self.args_model.model_validate(data)
        except ValidationError as err:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in err.errors()[:5]
            )
            raise ToolInputError(f"invalid arguments for {self.name}: {problems}") from None

    def invoke(self, ctx: Any, args: BaseModel) -> BaseModel:
        """Call the function with the run context and validated arguments; return its pydantic result."""
        return self.func(ctx, **{name: getattr(args, name) for name in self.args_model.model_fields})


def function_tool(func: Callable[..., BaseModel]) -> FunctionTool:
    """Return a :class:`FunctionTool` built from ``func``'s signature and docstring.

    The first parameter must be the run context (annotated ``RunContext``); every other parameter needs a type
    annotation and a line in the docstring's ``Args:`` section, or :class:`ConfigError` is raised at import.
    """
    sig = inspect.signature(func)
    hints = get_type_hints(func, include_extras=True)
    params = list(sig.parameters.values())
    if not params or getattr(hints.get(params[0].name), "__name__", "") != "RunContext":
        raise ConfigError(f"tool {func.__name__}: the first parameter must be the run context (RunContext)")
    doc = parse_google_docstring(func.__doc__)
    if not doc.summary:
        raise ConfigError(f"tool {func.__name__}: a docstring summary is required (it is the tool description)")
    ret = hints.get("return")
    if not (isinstance(ret, type) and issubclass(ret, BaseModel)):
        raise ConfigError(f"tool {func.__name__}: must return a pydantic model")
    fields: dict[str, Any] = {}
    for param in params[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ConfigError(f"tool {func.__name__}: *args/**kwargs are not allowed")
        if param.name not in hints:
            raise ConfigError(f"tool {func.__name__}: parameter {param.name!r} has no type annotation")
        if param.name not in doc.args:
            raise ConfigError(f"tool {func.__name__}: parameter {param.name!r} is not documented under Args:")
        default = param.default
        if isinstance(default, FieldInfo):
            info = default
            if info.description is None:
                info.description = doc.args[param.name]
        else:
            info = FieldInfo(
                default=... if default is inspect.Parameter.empty else default,
                description=doc.args[param.name],
            )
        fields[param.name] = (hints[param.name], info)
    model_name = "".join(part.title() for part in func.__name__.split("_")) + "Args"
    args_model = create_model(model_name, __base__=_ArgsBase, **fields)
    return FunctionTool(func.__name__, doc.summary, args_model, func, ret)
