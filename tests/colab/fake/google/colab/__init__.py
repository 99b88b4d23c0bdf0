"""A stand-in for Colab's ``google.colab`` package (test scaffolding): ``drive.mount`` links the
mount point's MyDrive to the folder named by $FAKE_DRIVE, the Drive of these tests."""

import os
import types
from pathlib import Path


def _mount(mountpoint, force_remount=False):
    Path(mountpoint).mkdir(parents=True, exist_ok=True)
    link = Path(mountpoint) / "MyDrive"
    if not link.exists():
        target = Path(os.environ["FAKE_DRIVE"]) / "MyDrive"
        target.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    print(f"Mounted at {mountpoint}")


drive = types.SimpleNamespace(mount=_mount)
