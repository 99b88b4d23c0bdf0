"""Test scaffolding, kept out of the package: every kernel the smoke series starts has this folder
on its PYTHONPATH (``tests/conftest.py``), so Python imports this file at start-up and wraps
``RunDir._read``, the check every read of a run passes (not the check of the inputs before a
notebook starts, nor the realism judge's cache, which call ``verify`` directly), to append
"notebook<TAB>file" to the file named by $READS_LOG. ``test_notebooks.py`` compares what each
notebook read with the inputs declared for it (``steps.artifacts.NEEDS``)."""

import os

if os.environ.get("READS_LOG"):
    from nbhelpers import store

    _read = store.RunDir._read

    def logged_read(self, rel, *args, **kwargs):
        entry = _read(self, rel, *args, **kwargs)
        with open(os.environ["READS_LOG"], "a", encoding="utf-8") as f:
            f.write(f"{self.notebook}\t{rel}\n")
        return entry

    store.RunDir._read = logged_read
