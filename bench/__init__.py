"""The metroextract benchmark (see bench/README.md): one module per section, composed by
`bench/run.py`."""
