"""Answering: the LangChain chain (`answer`) and its state (`state`), the extractive answerer
(`extractive`, `whether`), the chat model (`llm`, `generate`, `prompts/`) and follow-ups (`followup`).

The top layer of the core: it may import `qa.index`, `qa.retrieval` and `qa.checks`.
"""
