"""Test support code (not shipped): the fault-injecting OpenAI-compatible server, and
recorded-exchange fixtures with their recorders."""
