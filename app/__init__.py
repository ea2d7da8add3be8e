"""The composition root: the `corroborate` command line and batch runs.

It sits on top of everything: it imports `service` (the pipeline, the API) and `evals`
(the eval runner) plainly; nothing imports it.
"""
