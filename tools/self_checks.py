"""Write baselines/self_checks.json: every notebook's self-checks (``nbhelpers.selfcheck``)
computed here, the values every run's self-checks are compared with at numerical precision.

    .venv/bin/python tools/self_checks.py        # after an intended change to a checked function

``tests/test_selfcheck.py`` fails when the committed values are not what the code computes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbhelpers import selfcheck  # noqa: E402


def self_checks() -> dict:
    return {"note": "every notebook's numerical functions on planted inputs (nbhelpers/latent/"
                    "selfcheck.py); a run's value more than REL = 1e-6 (relative; the small t-SNE "
                    "1e-3) away from these is flagged by the check",
            "values": {nb: selfcheck.run(nb) for nb in selfcheck.CHECKS}}


if __name__ == "__main__":
    target = ROOT / "baselines" / "self_checks.json"
    target.write_text(json.dumps(self_checks(), indent=2) + "\n")
    print(f"wrote {target}")
