"""Helpers the tests share that are not fixtures: recorded-exchange fixtures and their recorders."""
