"""Set the series up on Google Colab or Kaggle: what every notebook's first cell runs, and a command.

Every notebook opens with a cell that does nothing outside Colab and Kaggle; there it clones this
repository (its address is ``REPOSITORY``, the one place it is written besides pyproject.toml's
``[project.urls]``, which a test keeps equal) and calls ``notebook_setup()``, which

1. installs the package with every package the platform preinstalled held at its version (the
   running environment's own ``pip freeze`` as constraints, in a temporary file), once per VM;
2. on Colab mounts Drive and keeps runs there: a run works on the VM's disk (``/content/runs``)
   and every finished epoch and notebook is copied to ``MyDrive/nbhelpers_runs`` (the variable
   ``NBHELPERS_KEEP``: ``steps.training.train`` adds an epoch-end callback that calls
   ``steps.session.persist``, which calls ``colab.sync_to_drive``; ``nbh.end`` calls it too); a
   new VM copies the runs back first, so training resumes at its last finished epoch. The RAM/VRAM
   monitor is not started here: ``nbh.begin`` (``steps.session.begin``) starts
   ``monitor.MemoryMonitor`` in every notebook. On Kaggle runs go to ``/kaggle/working/runs`` and
   CelebA is found under ``/kaggle/input`` (folder and .csv side files as Kaggle lays them out);
3. copies data given on Drive (``data="MyDrive/celeba/img_align_celeba.zip"``) to the VM's disk,
   a zip extracted only after every member path is checked, with CelebA's side files beside it;
4. sets ``NBHELPERS_RUNS``, ``NBHELPERS_CACHE`` and, where data was found or given,
   ``NBHELPERS_DATA``, which the notebooks' defaults read.

From a terminal (or ``%run colab_setup.py ...``) it does the same and prints the command that runs
the series; outside Colab and Kaggle it prints what it would do, unless ``--local-drive DIR``
treats a local folder as the Drive root (how it is tested).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPOSITORY = "https://github.com/latent-faces/nbhelpers"  # = pyproject.toml's [project.urls]
SIDE_FILES = ("list_eval_partition.txt", "list_eval_partition.csv", "list_attr_celeba.txt",
              "list_attr_celeba.csv")
KAGGLE_INPUT, KAGGLE_WORKING = Path("/kaggle/input"), Path("/kaggle/working")
CONTENT = os.environ.get("NBHELPERS_CONTENT", "/content")  # Colab's VM disk (a folder in tests)


def parse(argv=None):
    ap = argparse.ArgumentParser(description="Set up Google Colab or Kaggle for the notebook series.")
    ap.add_argument("--data", default=None, help="on Colab: a path under the Drive root, e.g. "
                    "MyDrive/celeba/img_align_celeba.zip (or a folder); omit for synthetic faces "
                    "(on Kaggle CelebA is found under /kaggle/input)")
    ap.add_argument("--profile", default="default", help="profile of the printed command")
    ap.add_argument("--local-dir", default=f"{CONTENT}/data", help="local disk folder for the data")
    ap.add_argument("--runs", default=f"{CONTENT}/runs", help="local folder of run directories")
    ap.add_argument("--cache", default=f"{CONTENT}/cache", help="local folder of image caches")
    ap.add_argument("--drive-runs", default="MyDrive/nbhelpers_runs",
                    help="folder on Drive that keeps runs across sessions")
    ap.add_argument("--mount-point", default=f"{CONTENT}/drive")
    ap.add_argument("--local-drive", default=None, metavar="DIR",
                    help="treat DIR as the Drive root (DIR/MyDrive/...) instead of mounting")
    ap.add_argument("--kaggle-root", default=None, metavar="DIR",
                    help="treat DIR as Kaggle's root (DIR/input, DIR/working), for tests")
    ap.add_argument("--no-install", action="store_true", help="skip the pip install step")
    return ap.parse_args(argv)


def held_constraints() -> Path:
    """The running environment's ``pip freeze`` (without direct references, which pip cannot
    use as constraints) in a temporary file: every package the platform preinstalled, held."""
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze"], capture_output=True,
                            text=True, check=True).stdout
    keep = [ln for ln in frozen.splitlines() if ln and " @ " not in ln and not ln.startswith(
        ("-e ", "#", "nbhelpers"))]
    fd, path = tempfile.mkstemp(prefix="held-", suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(keep) + "\n")
    return Path(path)


def _stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]


def installed() -> bool:
    """Whether this checkout is installed already, with today's pyproject.toml."""
    try:
        metadata.version("nbhelpers")
    except metadata.PackageNotFoundError:
        return False
    stamp = Path(tempfile.gettempdir()) / "nbhelpers-installed.txt"
    return stamp.exists() and stamp.read_text() == f"{ROOT}:{_stamp()}"


def install(dry: bool = False) -> str:
    """``pip install -e`` this checkout with the platform's packages held; skipped when done."""
    if dry:
        return (f"would run: {sys.executable} -m pip install -e {ROOT} -c <this environment's "
                f"pip freeze> (nothing preinstalled changes)")
    if installed():
        return "nbhelpers already installed on this VM"
    constraints = held_constraints()
    try:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", str(ROOT), "-c",
                        str(constraints)], check=True)
    finally:
        constraints.unlink(missing_ok=True)
    (Path(tempfile.gettempdir()) / "nbhelpers-installed.txt").write_text(f"{ROOT}:{_stamp()}")
    return "installed nbhelpers, every preinstalled package held at its version"


def find_celeba(root: Path) -> Path | None:
    """The folder of CelebA's aligned photos under Kaggle's input (``img_align_celeba``, the
    innermost one that holds the .jpg files), or None."""
    if not root.is_dir():
        return None
    best = None
    for folder in sorted(root.rglob("img_align_celeba")):
        if folder.is_dir() and any(folder.glob("*.jpg")):
            best = folder if best is None or len(folder.parts) > len(best.parts) else best
    return best


def setup(args) -> tuple[dict[str, str], list[str]]:
    """Do what the module docstring says; return (the environment variables to set, what was
    done), or raise naming what went wrong."""
    sys.path.insert(0, str(ROOT))
    from nbhelpers import colab

    done: list[str] = []
    kaggle_root = Path(args.kaggle_root) if args.kaggle_root else (
        KAGGLE_INPUT.parent if colab.in_kaggle() else None)
    if not args.no_install:
        done.append(install())
    if kaggle_root is not None:
        runs, cache = kaggle_root / "working" / "runs", kaggle_root / "working" / "cache"
        env = {"NBHELPERS_RUNS": str(runs), "NBHELPERS_CACHE": str(cache)}
        data = find_celeba(kaggle_root / "input")
        if data is not None:
            env["NBHELPERS_DATA"] = str(data)
            done.append(f"CelebA found: {data} (side files beside it are read)")
        done.append(f"runs in {runs} (kept with the notebook's output), caches in {cache}")
        return env, done
    drive_root = (Path(args.local_drive).expanduser().resolve() if args.local_drive
                  else colab.mount_drive(args.mount_point).parent)
    done.append(f"Drive root: {drive_root}")
    env = {"NBHELPERS_RUNS": str(Path(args.runs)), "NBHELPERS_CACHE": str(Path(args.cache)),
           "NBHELPERS_KEEP": str(drive_root / args.drive_runs)}
    if args.data:
        src = drive_root / args.data
        if not src.exists():
            raise FileNotFoundError(f"{src} does not exist on Drive (expected --data relative to "
                                    f"the Drive root, e.g. MyDrive/celeba/img_align_celeba.zip)")
        local = Path(args.local_dir)
        local.mkdir(parents=True, exist_ok=True)
        data_local = colab.copy_from_mydrive(src, local)
        for name in SIDE_FILES:
            if (src.parent / name).exists():
                colab.copy_tree(src.parent / name, local / name, progress=False)
        env["NBHELPERS_DATA"] = str(data_local)
        done.append(f"data: {src} -> {data_local}")
    kept = drive_root / args.drive_runs
    restored = colab.restore_from_drive(kept, args.runs, progress=False) if kept.exists() else []
    done.append(f"runs in {args.runs}, each finished epoch and notebook kept in {kept} "
                f"({len(restored)} files restored from there)")
    return env, done


def notebook_setup(**options) -> dict[str, str]:
    """What a notebook's first cell calls on Colab or Kaggle: ``setup`` with ``options`` (the
    command line's, by name: ``data="MyDrive/..."``), the environment variables set in this
    kernel, what was done printed. Returns the variables."""
    argv = [item for key, value in options.items() if value not in (None, False)
            for item in ([f"--{key.replace('_', '-')}"] + ([] if value is True else [str(value)]))]
    env, done = setup(parse(argv))
    os.environ.update(env)
    for line in done:
        print(f"setup: {line}")
    return env


def main(argv=None) -> int:
    args = parse(argv)
    sys.path.insert(0, str(ROOT))
    from nbhelpers import colab

    if colab.host() == "local" and not args.local_drive and not args.kaggle_root:
        print("Not on Google Colab or Kaggle. There this would:")
        print(f"  1. {install(dry=True)}")
        print(f"  2. mount Google Drive at {args.mount_point} (Kaggle: find CelebA under "
              f"{KAGGLE_INPUT})")
        if args.data:
            print(f"  3. copy {args.data} (and the partition/attribute files beside it) to "
                  f"{args.local_dir}, extracting a zip safely")
        print(f"  4. restore {args.drive_runs} to {args.runs}, and keep every finished epoch and "
              f"notebook there")
        print("Use --local-drive DIR to treat a local folder as the Drive root.")
        return 0
    try:
        env, done = setup(args)
    except (ValueError, FileNotFoundError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("Done:")
    for line in done:
        print(f"  - {line}")
    assignments = " ".join(f"{k}={v}" for k, v in env.items())
    data = f" --data {env['NBHELPERS_DATA']}" if "NBHELPERS_DATA" in env else ""
    print("Next:")
    print(f"  !{assignments} python -m nbhelpers run --profile {args.profile}{data} --resume")
    return 0


if __name__ == "__main__":
    code = main()
    if code:
        sys.exit(code)
