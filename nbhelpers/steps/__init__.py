"""The series' steps: the only code that takes a Profile and a RunDir.

Each module is one step or topic of the notebook series (``dataset``, ``training``, ``encoding``,
``density``, ``tsne``, ``pca_study``, ``generation``; ``session`` opens and closes a notebook). A
step reads what it needs from the run directory, calls the libraries below (``data``, ``models``,
``latent``), records its numbers and returns result objects; the notebook hands the same objects to
``plots``, so every recorded number and its figure come from one computation.
"""
