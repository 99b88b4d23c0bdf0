"""Colab's kernels import google.colab at start-up; this does the same with the stand-in beside
it, so a notebook's setup cell sees "Colab" (test scaffolding for make test-colab)."""

import google.colab  # noqa: F401
