"""First cell on Google Colab: install, mount Drive, copy the data to local disk, set the run.

    %run colab_setup.py --data MyDrive/celeba/img_align_celeba.zip

It installs this package without replacing Colab's TensorFlow (the installed tensorflow and keras
versions are pinned as constraints), mounts Google Drive, copies the data to the VM's disk (with
list_eval_partition and list_attr files found beside it; a zip is extracted after its member paths
are checked), restores an earlier run of the same name from Drive (so BackupAndRestore resumes
training), and prints what to run next. Running it twice skips what is already done.

Outside Colab it prints what it would do and exits; ``--local-drive DIR`` treats a local folder as
MyDrive and does the copying for real (that is how it is tested).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SIDE_FILES = ("list_eval_partition.txt", "list_eval_partition.csv", "list_attr_celeba.txt",
              "list_attr_celeba.csv")


def parse(argv=None):
    ap = argparse.ArgumentParser(description="Set up Google Colab for the notebook series.")
    ap.add_argument("--data", default=None, help="path under the Drive root, e.g. "
                    "MyDrive/celeba/img_align_celeba.zip (or a folder); omit for synthetic faces")
    ap.add_argument("--profile", default="celeba", help="profile to run (default celeba)")
    ap.add_argument("--local-dir", default="/content/data", help="local disk folder for the data")
    ap.add_argument("--runs", default="/content/runs", help="local folder of run directories")
    ap.add_argument("--drive-runs", default="MyDrive/nbhelpers_runs",
                    help="folder on Drive that keeps runs across sessions")
    ap.add_argument("--mount-point", default="/content/drive")
    ap.add_argument("--local-drive", default=None, metavar="DIR",
                    help="treat DIR as the Drive root (DIR/MyDrive/...) instead of mounting")
    ap.add_argument("--no-install", action="store_true", help="skip the pip install step")
    return ap.parse_args(argv)


def install(dry: bool) -> str:
    pins = []
    for name in ("tensorflow", "keras"):
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    cmd = [sys.executable, "-m", "pip", "install", "-q", "-e", str(ROOT)]
    if dry:
        return f"would run: {' '.join(cmd)} (keeping {', '.join(pins) or 'no TensorFlow yet'})"
    constraints = ROOT / ".colab-constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    subprocess.run(cmd + ["-c", str(constraints)], check=True)
    return f"installed nbhelpers, kept {', '.join(pins)}"


def main(argv=None) -> int:
    args = parse(argv)
    sys.path.insert(0, str(ROOT))
    from nbhelpers import colab

    on_colab = colab.in_colab()
    if not on_colab and not args.local_drive:
        print("Not on Google Colab. On Colab this would:")
        print(f"  1. {install(dry=True)}")
        print(f"  2. mount Google Drive at {args.mount_point}")
        if args.data:
            print(f"  3. copy {args.data} (and the partition/attribute files beside it) to "
                  f"{args.local_dir}, extracting a zip safely")
        print(f"  4. restore {args.drive_runs}/{args.profile} to {args.runs}/{args.profile}")
        print("Use --local-drive DIR to treat a local folder as the Drive root.")
        return 0
    done = []
    if on_colab and not args.no_install:
        done.append(install(dry=False))
    if args.local_drive:
        drive_root = Path(args.local_drive).expanduser().resolve()
    else:
        drive_root = colab.mount_drive(args.mount_point).parent
    done.append(f"Drive root: {drive_root}")
    data_local = None
    if args.data:
        src = drive_root / args.data
        if not src.exists():
            print(f"error: {src} does not exist on Drive (expected --data relative to the Drive "
                  f"root, e.g. MyDrive/celeba/img_align_celeba.zip)", file=sys.stderr)
            return 2
        local = Path(args.local_dir)
        local.mkdir(parents=True, exist_ok=True)
        try:
            data_local = colab.copy_from_mydrive(src, local)
        except ValueError as exc:  # an unsafe zip member
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for name in SIDE_FILES:
            if (src.parent / name).exists():
                colab.copy_tree(src.parent / name, local / name, progress=False)
        done.append(f"data: {src} -> {data_local}")
    run_dir = Path(args.runs) / args.profile
    drive_run = drive_root / args.drive_runs / args.profile
    restored = colab.restore_from_drive(drive_run, run_dir, progress=False)
    done.append(f"run directory: {run_dir} (restored {len(restored)} files from {drive_run})")
    print("Done:")
    for line in done:
        print(f"  - {line}")
    data_arg = f" --data {data_local}" if data_local else ""
    print("Next:")
    print(f"  !python -m nbhelpers run --profile {args.profile}{data_arg} --run-dir {run_dir}")
    print(f"  then keep the results: from nbhelpers import colab; "
          f"colab.sync_to_drive('{run_dir}', '{drive_run}')")
    return 0


if __name__ == "__main__":
    code = main()
    if code:
        sys.exit(code)
