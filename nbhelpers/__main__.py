"""Command line: ``python -m nbhelpers run --profile smoke`` (see ``--help``)."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (``run``, ``report``, ``check``, ``baseline``)."""
    parser = argparse.ArgumentParser(prog="python -m nbhelpers",
                                     description="Run the latent-space notebook series.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks/NN_*.ipynb in order with papermill")
    run.add_argument("--profile", default="default", help="smoke, default or celeba")
    run.add_argument("--data", default=None, metavar="PATH",
                     help="a folder or zip of face photos (CelebA's img_align_celeba or any "
                          "other; searched recursively), with any profile: the profile says "
                          "how much, the photos what about (default: built-in synthetic faces)")
    run.add_argument("--run-dir", default=None, help="run directory (default: runs/<profile>)")
    run.add_argument("--from", dest="start", default=None, metavar="NN",
                     help="start at notebook NN (earlier results are read from the run directory)")
    run.add_argument("--only", default=None, metavar="NN,...", help="run only these notebooks")
    run.add_argument("--resume", action="store_true",
                     help="skip the notebooks the run directory holds finished (a lost VM's run, "
                          "restored by colab_setup.py); a training resumes at its last epoch")
    run.add_argument("--set", action="append", metavar="KEY=VALUE",
                     help="override a profile parameter, e.g. --set epochs=3 (repeatable)")
    run.add_argument("--notebooks", default=None, metavar="DIR",
                     help="folder of NN_*.ipynb (default: the project's notebooks/)")
    run.add_argument("--z", default=None, metavar="PATH",
                     help="your own z-points (float N x D, .npy or .npz, from any model): "
                          "notebooks 02-04 analyse them in place of the series' AE (copied into "
                          "the run as latent/z_given.npy by steps.external.register, read by "
                          "steps.encoding.load_z)")
    run.add_argument("--z-key", default=None, metavar="NAME",
                     help="the array of the .npz given with --z that holds the z-points")
    run.add_argument("--decoder", default=None, metavar="PATH.keras",
                     help="with --z: a Keras decoder of those z-points (pixels in [0, 1]); with "
                          "--images, notebook 06 draws and judges new faces")
    run.add_argument("--images", default=None, metavar="PATH.npy",
                     help="with --z: the images the z-points came from, uint8 (N, H, W, 3), "
                          "one per z-point in the same order")
    run.add_argument("--labels", default=None, metavar="PATH.csv",
                     help="with --data: a CSV labelling the photos (a 'file' column with each "
                          "photo's path relative to the folder, then one numeric column per "
                          "factor; CelebA's list_attr_celeba.txt beside the folder is read "
                          "without it); with --z: a header of names and one row of numbers per "
                          "z-point. Notebook 07 probes them")
    run.add_argument("--vae", action="store_true",
                     help="with --z: the z-points are a VAE's means (mu); notebook 08 measures "
                          "them against N(0, I)")
    run.add_argument("--no-estimate", dest="estimate", action="store_false",
                     help="skip the time estimate before the first notebook (it measures this "
                          "machine's rates for a few seconds)")
    rep = sub.add_parser("report", help="(re)write report.html of a run directory")
    rep.add_argument("run_dir")
    chk = sub.add_parser("check", help="compare a run with its baseline; exit 1 on drift")
    chk.add_argument("run_dir")
    chk.add_argument("--baseline", default=None, metavar="FILE",
                     help="baseline file (default: baselines/<the run's profile>.json)")
    base = sub.add_parser("baseline", help="write a baseline from runs with different seeds, "
                                           "for review and commit")
    base.add_argument("--runs", nargs="+", metavar="RUN_DIR",
                      help="run directories of one profile, one per seed (12 make the stated "
                           "false-alarm rate hold with tolerances of about 6 standard "
                           "deviations; fewer need --scale-from)")
    base.add_argument("--remake", default=None, metavar="BASELINE",
                      help="make this baseline's tolerances anew by the current rule from the "
                           "seeds it stores (its runs need not be on disk) and those of --runs, "
                           "if given")
    base.add_argument("--scale-from", default=None, metavar="BASELINE",
                      help="borrow each key's seed noise (relative standard deviation, degrees "
                           "of freedom) from this baseline of more seeds (e.g. "
                           "baselines/smoke.json for the default profile)")
    base.add_argument("--out", default=None, metavar="FILE",
                      help="where to write (default: baselines/<profile>.json)")
    base.add_argument("--note", default="", help="a sentence on where the runs came from")
    est = sub.add_parser("estimate", help="how long a run would take on this machine (measures "
                                          "its training and t-SNE rates in a few seconds)")
    est.add_argument("--profile", default="default", help="smoke, default or celeba")
    est.add_argument("--data", default=None, metavar="PATH", help="as for run")
    est.add_argument("--set", action="append", metavar="KEY=VALUE", help="as for run")
    est.add_argument("--json", action="store_true", help="print the estimate as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    from . import regression, runner

    if args.command == "run":
        return runner.main_run(args)
    if args.command == "check":
        return regression.main_check(args)
    if args.command == "baseline":
        return regression.main_baseline(args)
    if args.command == "estimate":
        from .steps.estimate import main_estimate

        return main_estimate(args)
    print(regression.write_run_report(args.run_dir))
    return 0

if __name__ == "__main__":
    sys.exit(main())
