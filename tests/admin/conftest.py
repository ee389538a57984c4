from __future__ import annotations


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
