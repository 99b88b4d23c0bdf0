"""Google Colab: detection, Drive, copying data to the VM's disk, syncing a run back to Drive.

Colab's free tier mounts Google Drive over a slow network and ends sessions without warning. The
advice of the blog series: copy the data from MyDrive to the VM's local disk once, work there, and
keep what must survive (models, z-points, figures, results, the BackupAndRestore folder) on Drive.
Copies skip files whose size and modification time already match, check the size afterwards and
write each file atomically; zips are extracted only after every member path has been checked.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .core.files import atomic_path
from .data.photos import check_zip_members, member_problem, outside_links

SYNC_DEFAULT = ("models", "latent", "figures", "notebooks", "logs", "results.json",
                "manifest.json", "data.json", "labels.npy", "timings.json", "report.html")


def in_colab() -> bool:
    """True inside a Google Colab runtime (the google.colab package is importable)."""
    if "google.colab" in sys.modules:
        return True
    try:
        import google.colab  # noqa: F401
    except ImportError:
        return False
    return True


def in_kaggle() -> bool:
    """True inside a Kaggle notebook (Kaggle sets KAGGLE_KERNEL_RUN_TYPE in its kernels)."""
    return bool(os.environ.get("KAGGLE_KERNEL_RUN_TYPE"))


def host() -> str:
    """Where this kernel runs: "colab", "kaggle" or "local"."""
    return "colab" if in_colab() else "kaggle" if in_kaggle() else "local"


def mount_drive(mountpoint: str | os.PathLike = "/content/drive") -> Path:
    """Mount Google Drive and return the MyDrive folder; outside Colab a clear error."""
    if not in_colab():
        raise RuntimeError("mount_drive() needs Google Colab (google.colab is not importable); "
                           "outside Colab treat a local folder as MyDrive instead "
                           "(colab_setup.py --local-drive DIR)")
    from google.colab import drive

    drive.mount(str(mountpoint))
    return Path(mountpoint) / "MyDrive"


def _same(src: Path, dst: Path) -> bool:
    if not dst.exists():
        return False
    a, b = src.stat(), dst.stat()
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def copy_file(src: Path, dst: Path, bar=None) -> bool:
    """Copy one file atomically, keeping its modification time; False if it was already there."""
    if _same(src, dst):
        if bar is not None:
            bar.update(src.stat().st_size)
        return False
    with atomic_path(dst) as tmp, open(src, "rb") as fin, open(tmp, "wb") as fout:
        while block := fin.read(1 << 22):
            fout.write(block)
            if bar is not None:
                bar.update(len(block))
    shutil.copystat(src, dst)
    if dst.stat().st_size != src.stat().st_size:
        raise OSError(f"copy of {src} is {dst.stat().st_size} bytes, expected {src.stat().st_size}")
    return True


def _files(src: Path, include: Iterable[str] | None = None) -> list[Path]:
    """The files to copy under ``src``: temporaries never, and no symlink that points outside
    ``src`` (those are named in one line and skipped)."""
    if src.is_file():
        return [src]
    tops = [src / name for name in include] if include else [src]
    out = []
    for top in tops:
        if top.is_file():
            out.append(top)
        elif top.is_dir():
            out.extend(p for p in sorted(top.rglob("*")) if p.is_file() and ".tmp" not in p.name)
    outside = set(outside_links(src, [p.relative_to(src) for p in out]))
    if outside:
        print(f"skipped, a symlink pointing outside {src}: "
              + ", ".join(str(p) for p in sorted(outside)))
    return [p for p in out if p.relative_to(src) not in outside]


def copy_tree(src: str | os.PathLike, dst: str | os.PathLike, include: Iterable[str] | None = None,
              progress: bool = True, desc: str = "copy") -> list[Path]:
    """Copy a file or folder (only ``include`` entries of a folder, if given); return the files
    actually copied. Unchanged ones (same size and date) are skipped and said so: each by name
    when there are few, as a count otherwise."""
    from tqdm.auto import tqdm

    src, dst = Path(src), Path(dst)
    if not src.exists():
        raise FileNotFoundError(f"nothing to copy: {src} does not exist")
    files = _files(src, include)
    copied, skipped = [], []
    with tqdm(total=sum(f.stat().st_size for f in files), unit="B", unit_scale=True, desc=desc,
              disable=not progress) as bar:
        for f in files:
            target = dst if src.is_file() else dst / f.relative_to(src)
            if copy_file(f, target, bar):
                copied.append(target)
            else:
                skipped.append(target)
    if 0 < len(skipped) <= 5:
        for target in skipped:
            print(f"skipped, unchanged: {target}")
    elif skipped:
        print(f"skipped, unchanged: {len(skipped)} files under {dst}")
    return copied


def _existing_parent(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def safe_extract(zip_path: str | os.PathLike, target: str | os.PathLike, progress: bool = True) -> Path:
    """Extract a zip into ``target`` after checking every member path, every member's declared
    size and compression ratio (``data.photos.member_problem``), and the sum of declared sizes
    against the free disk space; skipped when a stamp shows this very zip (size, mtime) was
    extracted there before. Nothing is written when a check fails."""
    from tqdm.auto import tqdm

    zip_path, target = Path(zip_path), Path(target)
    stamp = target / f".extracted-{zip_path.name}.json"
    key = {"size": zip_path.stat().st_size, "mtime": int(zip_path.stat().st_mtime)}
    if stamp.exists() and json.loads(stamp.read_text()) == key:
        return target
    with zipfile.ZipFile(zip_path) as zf:
        check_zip_members(zf.namelist())  # before anything is written
        bad = {i.filename: p for i in zf.infolist() if (p := member_problem(i))}
        if bad:
            first = "; ".join(f"{k}: {v}" for k, v in list(bad.items())[:3])
            raise ValueError(f"refusing to extract {zip_path}: {len(bad)} member(s) are no face "
                             f"images ({first}); nothing was written")
        need = sum(i.file_size for i in zf.infolist())
        free = shutil.disk_usage(_existing_parent(target)).free
        if need > free:
            raise OSError(f"extracting {zip_path} needs {need:,} bytes but {target} has "
                          f"{free:,} free; nothing was written")
        target.mkdir(parents=True, exist_ok=True)
        for member in tqdm(zf.infolist(), desc=f"extract {zip_path.name}", disable=not progress):
            zf.extract(member, target)
    stamp.write_text(json.dumps(key))
    return target


def copy_from_mydrive(src: str | os.PathLike, dst: str | os.PathLike, extract: bool = True,
                      progress: bool = True) -> Path:
    """Copy a file or folder from Drive to local disk (unchanged files skipped); a zip is then
    extracted safely beside it. Returns the local path (the extracted folder for a zip)."""
    src, dst = Path(src), Path(dst)
    if src.is_file():
        local = dst / src.name if dst.is_dir() or not dst.suffix else dst
        copy_tree(src, local, progress=progress, desc=f"copy {src.name}")
        if extract and zipfile.is_zipfile(local):
            with zipfile.ZipFile(local) as zf:
                check_zip_members(zf.namelist())
                tops = {Path(n).parts[0] for n in zf.namelist() if n.strip("/")}
            safe_extract(local, local.parent, progress)
            return local.parent / tops.pop() if len(tops) == 1 else local.parent
        return local
    copy_tree(src, dst, progress=progress, desc=f"copy {src.name}")
    return dst


def sync_to_drive(run_dir: str | os.PathLike, dst: str | os.PathLike,
                  include: Iterable[str] = SYNC_DEFAULT, progress: bool = True) -> list[Path]:
    """Copy what changed in a run directory to Drive (models with their BackupAndRestore folders,
    z-points, figures, results, manifest, report), each file atomically; return what was copied."""
    return copy_tree(run_dir, dst, include=include, progress=progress, desc="sync to Drive")


def restore_from_drive(src: str | os.PathLike, run_dir: str | os.PathLike,
                       progress: bool = True) -> list[Path]:
    """Bring a synced run back to local disk at the start of a new session (resumes training)."""
    src = Path(src)
    return copy_tree(src, run_dir, progress=progress, desc="restore run") if src.exists() else []
