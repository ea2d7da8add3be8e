"""Test support code (not shipped): the fault-injecting OpenAI-compatible server."""
