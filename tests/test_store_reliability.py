"""Faults of the fault matrix, run directory side: two writers, a crash between replacing a file
and committing its manifest entry, a full disk, leftovers, corrupt files, file modes, NaN."""

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from nbhelpers import store
from nbhelpers.core import files
from nbhelpers.store import PENDING, ArtifactError, RunDir

WRITER = textwrap.dedent("""
    import sys
    import numpy as np
    from nbhelpers.store import RunDir
    run = RunDir(sys.argv[1], "0" + sys.argv[2] + "_proc")
    for i in range(100):
        run.record(f"v{i}", i)
        if i % 10 == 0:
            run.save_array(f"latent/p{sys.argv[2]}_{i}.npy", np.full(3, i))
""")


def test_two_processes_recording_into_one_run_lose_nothing(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(k)])
             for k in (1, 2)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    results = store.read_results(tmp_path)
    assert len(results["01_proc"]) == 100 and len(results["02_proc"]) == 100
    manifest = RunDir(tmp_path).manifest
    assert len([k for k in manifest if k.startswith("latent/p")]) == 20


def test_crash_between_replace_and_commit_is_repaired_on_next_open(tmp_path, monkeypatch):
    run = RunDir(tmp_path, "01_x")
    run.save_array("latent/z.npy", np.zeros(4))
    real = RunDir._commit

    def crash(manifest, rel):
        raise KeyboardInterrupt("killed after os.replace, before the manifest commit")

    monkeypatch.setattr(RunDir, "_commit", staticmethod(crash))
    with pytest.raises(KeyboardInterrupt):
        run.save_array("latent/z.npy", np.ones(4))
    monkeypatch.setattr(RunDir, "_commit", staticmethod(real))
    raw = json.loads((tmp_path / "manifest.json").read_text())
    assert "latent/z.npy" in raw[PENDING]  # the half-done pair is on record
    again = RunDir(tmp_path, "02_y")  # the next open repairs it
    np.testing.assert_array_equal(again.load_array("latent/z.npy"), np.ones(4))
    assert PENDING not in json.loads((tmp_path / "manifest.json").read_text())


def test_crash_before_replace_keeps_the_old_file_and_drops_the_pending_entry(tmp_path):
    run = RunDir(tmp_path, "01_x")
    run.save_array("latent/z.npy", np.zeros(4))
    m = json.loads((tmp_path / "manifest.json").read_text())
    m[PENDING] = {"latent/z.npy": {**m["latent/z.npy"], "sha256": "0" * 64}}
    (tmp_path / "manifest.json").write_text(json.dumps(m))
    again = RunDir(tmp_path, "01_x")
    np.testing.assert_array_equal(again.load_array("latent/z.npy"), np.zeros(4))
    # a file that is neither is reported, naming it
    (tmp_path / "latent" / "z.npy").write_bytes(b"junk")
    m[PENDING] = {"latent/z.npy": {**m["latent/z.npy"], "sha256": "0" * 64}}
    (tmp_path / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ArtifactError, match="z.npy: neither the file the manifest recorded"):
        RunDir(tmp_path)


FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    import numpy as np
    from nbhelpers.store import RunDir
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    run = RunDir(sys.argv[1], "01_x")
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))  # files of at most 1 MiB
    try:
        with run.array_writer("latent/z_ae.npy", (1000, 1024), "float32") as out:
            for s in range(0, 1000, 100):
                out.write(np.ones((100, 1024), np.float32))
    except OSError as exc:
        print("OSError:", exc)
""")


def test_a_full_disk_while_encoding_is_an_oserror_naming_file_and_bytes(tmp_path):
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])  # no SIGBUS, no SIGXFSZ
    assert "OSError:" in proc.stdout and "z_ae" in proc.stdout
    assert "the whole file needs 4,096,192 bytes" in proc.stdout
    assert list((tmp_path / "latent").iterdir()) == []  # the temporary file is gone
    assert "latent/z_ae.npy" not in RunDir(tmp_path).manifest


def test_stale_temporaries_are_removed_at_the_next_write_and_fresh_ones_kept(tmp_path):
    run = RunDir(tmp_path, "01_x")
    stale = tmp_path / "latent" / ".z_ae.k1ll3d.tmp.npy"
    stale.write_bytes(b"x" * 1000)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / "latent" / ".z_ae.w0rk1ng.tmp.npy"
    fresh.write_bytes(b"y")
    run.save_array("latent/z_ae.npy", np.zeros(3))
    assert not stale.exists() and fresh.exists()


def test_written_files_get_the_mode_of_an_ordinary_write(tmp_path):
    old = os.umask(0o022)
    try:
        run = RunDir(tmp_path, "01_x")
        run.record("a", 1)
        run.save_array("latent/z.npy", np.zeros(2))
        files.atomic_write_bytes(tmp_path / "report.html", b"<html>")
    finally:
        os.umask(old)
    for name in ("results.json", "manifest.json", "latent/z.npy", "report.html"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_nan_is_refused_naming_the_value_and_results_stay_strict_json(tmp_path):
    run = RunDir(tmp_path, "01_x")
    with pytest.raises(ValueError, match=r"record\('seconds_per_epoch'\): the value holds NaN"):
        run.record("seconds_per_epoch", float("nan"))
    with pytest.raises(ValueError, match="refusing to write NaN"):
        files.atomic_write_json(tmp_path / "x.json", {"a": float("inf")})
    run.record("ok", 1.5)

    def strict(c):
        raise AssertionError(f"non-strict constant {c}")

    json.loads((tmp_path / "results.json").read_text(), parse_constant=strict)


def test_corrupt_results_and_npy_headers_are_named(tmp_path):
    (tmp_path / "results.json").write_text('{"01_x": {"a": 1,\n  "b": }')
    with pytest.raises(ValueError, match=r"results.json: not valid JSON at line 2, column 8"):
        store.read_results(tmp_path)
    bad = tmp_path / "z.npy"
    bad.write_bytes(b"\\x93NUMPY garbage")
    with pytest.raises(ValueError, match=r"z.npy: not a readable .npy file"):
        files.npy_header(bad)


def test_a_run_directory_that_is_a_file_or_cannot_be_made_is_refused(tmp_path):
    f = tmp_path / "run"
    f.write_text("I am a file")
    with pytest.raises(ArtifactError, match="is a file, not a folder"):
        RunDir(f)
    with pytest.raises(ArtifactError, match="cannot be created"):
        RunDir(f / "below")
    assert f.read_text() == "I am a file"


def test_sigkill_mid_write_leaves_old_data_readable(tmp_path):
    code = textwrap.dedent("""
        import sys, time, numpy as np
        from nbhelpers.store import RunDir
        run = RunDir(sys.argv[1], "01_x")
        with run.array_writer("latent/z.npy", (10_000, 64)) as out:
            out.write(np.ones((5_000, 64), np.float32))
            print("half", flush=True)
            time.sleep(60)
    """)
    run = RunDir(tmp_path, "01_x")
    run.save_array("latent/z.npy", np.zeros((10, 64), np.float32))
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "half"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert RunDir(tmp_path).load_array("latent/z.npy").shape == (10, 64)
