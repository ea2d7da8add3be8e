"""Test doubles. `FakeLLM` stands in for a model where the unit under test is not the LLM call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from service.errors import LLMError
from service.llm import Completion, Message, Usage

T = TypeVar("T", bound=BaseModel)

Responder = Callable[[list[Message], type[BaseModel]], BaseModel | dict[str, Any] | Exception]


class FakeLLM:
    """A fake model: answers from a queue (`enqueue`) or a responder function.

    It records every call so tests can assert on the messages and schemas it was given.
    Queued items may be a model instance, a dict (validated against the requested
    response model) or an exception to raise.
    """

    def __init__(self, responder: Responder | None = None, model_id: str = "fake/echo") -> None:
        self._queue: list[BaseModel | dict[str, Any] | Exception] = []
        self._responder = responder
        self._model_id = model_id
        self.calls: list[tuple[list[Message], type[BaseModel]]] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    def enqueue(self, *answers: BaseModel | dict[str, Any] | Exception) -> FakeLLM:
        self._queue.extend(answers)
        return self

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Completion[T]:
        self.calls.append((messages, response_model))
        if self._queue:
            answer = self._queue.pop(0)
        elif self._responder is not None:
            answer = self._responder(messages, response_model)
        else:
            raise LLMError("FakeLLM has no queued answer", model=self._model_id)
        if isinstance(answer, Exception):
            raise answer
        value = response_model.model_validate(
            answer.model_dump() if isinstance(answer, BaseModel) else answer
        )
        return Completion(value=value, usage=Usage(10, 5), seconds=0.0)
