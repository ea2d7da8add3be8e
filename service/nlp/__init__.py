"""Language tools at the bottom of the service, beside `service.text`: an English parser
(spaCy's small pipeline shipped as a PyPI package, checked against recorded hashes), the
figure frames it reads, and a gazetteer. Steps import these; these import no step."""
