"""The parts of ``benchmarks/run.py`` (``make benchmark``): the database, the pages, the
report commands and their SQL floors, the imports, and the Markdown results."""
