"""How long a run takes on this machine: the series' estimate before the first notebook.

A notebook's time is the work it does, each kind at the rate this machine does it (``Rates``,
measured in a few seconds by ``measure``):
- training (``Work.train``): image-epochs through the profile's AE or VAE at the run's image
  size, with an image encoded or decoded counted as a third of one trained; at the rate of the
  profile's AE trained here for two short epochs (the second timed);
- t-SNE (``Work.tsne``): points x iterations, each map and its Gaussian reference, at the rate
  of an openTSNE run of 1,000 points here;
- the rest (kernel start, imports, fits, figures): ``REST`` seconds per notebook, measured on
  the reference machine at the smoke profile (``REFERENCE``), times how much slower this
  machine's t-SNE is than that machine's.
``benchmarks/bench_estimate.py`` puts the estimate beside the actual time per notebook.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass

import numpy as np

from .. import config
from .dataset import check_photos
from .projections import tsne_jobs

FORWARD = 1 / 3  # an image encoded or decoded, in images trained (one pass of three)
# the reference machine: the project's 2-core AMD EPYC (AVX2, no AVX-512), TensorFlow, where the
# smoke series took REST beyond its training and t-SNE: the median of smoke seeds 0-5 less the
# modelled work (benchmarks/bench_estimate.py --calibrate; checked on seeds 6-11)
REFERENCE = {"machine": "2-core AMD EPYC (AVX2, no AVX-512)", "tsne_rate": 1.1e5}
REST = {"01": 12.0, "02": 8.2, "03": 9.2, "04": 21.4, "05": 26.9, "06": 16.1, "07": 19.2,
        "08": 41.3}


@dataclass(frozen=True)
class Work:
    """What one notebook does: image-epochs trained (forward passes counted at ``FORWARD``) and
    t-SNE points x iterations."""

    train: float = 0.0
    tsne: float = 0.0


@dataclass(frozen=True)
class Rates:
    """This machine's rates: images trained per second at the profile's image size and batch,
    t-SNE points x iterations per second."""

    images_per_s: float
    tsne_per_s: float

    @property
    def slower(self) -> float:
        """How many times slower than the reference machine (by t-SNE)."""
        return REFERENCE["tsne_rate"] / self.tsne_per_s


def work(cfg: config.Profile, images: int) -> dict[str, Work]:
    """The work of each notebook of the series at ``cfg`` on ``images`` images (the profile's
    n_images, or fewer where fewer photos are there)."""
    trained = cfg.train_images or round(images * (1 - cfg.val_fraction))
    maps = sum(min(job.n, images) for job in tsne_jobs(cfg)) * cfg.tsne_iter
    vaes = 2 if cfg.vae_compare_without_dense else 1
    timing = 2 * len(cfg.timing_batch_sizes) * min(cfg.timing_images or trained, trained)
    factor_models = 2 if cfg.data_source == "synthetic" else 0  # 07's uniform-factor AE and its twin
    fit = round(cfg.factor_images * (1 - cfg.val_fraction))
    sweep = round(min(cfg.sweep_images, trained) * (1 - cfg.val_fraction))
    return {
        "01": Work(trained * cfg.epochs + FORWARD * images),
        "02": Work(),
        "03": Work(tsne=2 * maps),  # each map and the same map of the Gaussian reference
        "04": Work(),
        "05": Work(vaes * trained * cfg.vae_epochs + timing + FORWARD * vaes * cfg.n_generate),
        "06": Work(FORWARD * 9 * cfg.n_generate),
        "07": Work(factor_models * fit * cfg.factor_epochs + FORWARD * (images + factor_models
                                                                         * cfg.factor_images)),
        "08": Work(len(cfg.kl_weights) * sweep * cfg.sweep_epochs + FORWARD * images,
                   tsne=2 * min(cfg.vae_tsne_points, images) * cfg.tsne_iter),
    }


def seconds(works: dict[str, Work], rates: Rates) -> dict[str, float]:
    """Estimated seconds per notebook."""
    return {nb: w.train / rates.images_per_s + w.tsne / rates.tsne_per_s + REST[nb] * rates.slower
            for nb, w in works.items()}


def measure(cfg: config.Profile) -> Rates:
    """Train the profile's AE on random images for two epochs of four batches (the second timed)
    and run openTSNE on 1,000 Gaussian points for 250 iterations: a few seconds at smoke size,
    about 20 at the default's 96x96 on a 2-core CPU."""
    from ..latent.tsne import tsne
    from .training import build_ae

    rng = np.random.default_rng(0)
    n = 4 * cfg.batch_size
    x = rng.random((n, *cfg.image_shape), dtype=np.float32)
    model = build_ae(cfg)
    model.fit(x, x, batch_size=cfg.batch_size, epochs=1, verbose=0)  # traces and compiles
    t0 = time.perf_counter()
    model.fit(x, x, batch_size=cfg.batch_size, epochs=1, verbose=0)
    images_per_s = n / (time.perf_counter() - t0)
    points, iters = 1_000, 250
    t0 = time.perf_counter()
    tsne(rng.standard_normal((points, 32)), n_iter=iters, seed=0)
    return Rates(images_per_s, points * iters / (time.perf_counter() - t0))


def estimate(cfg: config.Profile, images: int, rates: Rates | None = None) -> dict:
    """{"rates", "slower", "notebooks": {NN: seconds}, "total"} for the series at ``cfg``."""
    rates = rates or measure(cfg)
    per = seconds(work(cfg, images), rates)
    return {"rates": asdict(rates), "slower": round(rates.slower, 3),
            "notebooks": {nb: round(s, 1) for nb, s in per.items()}, "total": round(sum(per.values()), 1)}


def images_of(cfg: config.Profile) -> int:
    """The images a run at ``cfg`` uses: the profile's n_images, or the photos there are."""
    if cfg.data_source == "photos":
        return len(check_photos(cfg).selection.names)
    return cfg.n_images or 20_000


def lines(est: dict, notebooks: list[str]) -> list[str]:
    """What the run prints before its first notebook."""
    r = est["rates"]
    per = ", ".join(f"{nb} {_amount(est['notebooks'][nb])}" for nb in notebooks)
    total = sum(est["notebooks"][nb] for nb in notebooks)
    return [f"estimate: about {_amount(total)} for {len(notebooks)} notebooks on this machine "
            f"({per}); it trains {r['images_per_s']:.0f} images/s here, "
            f"{est['slower']:.1f} x the reference machine's time elsewhere "
            f"({REFERENCE['machine']})"]


def _amount(s: float) -> str:
    return f"{s / 3600:.1f} h" if s >= 5400 else f"{s / 60:.0f} min" if s >= 90 else f"{s:.0f} s"


def left_line(est: dict, done: dict[str, float], todo: list[str]) -> str:
    """'about 14 min left in the series': the notebooks still to run, at their estimates times
    how the finished ones compared with theirs (actual / estimate so far, within 1/3 to 3)."""
    spent = sum(est["notebooks"][nb] for nb in done)
    pace = min(max(sum(done.values()) / spent, 1 / 3), 3.0) if spent else 1.0
    left = pace * sum(est["notebooks"][nb] for nb in todo)
    return f"about {_amount(left)} left in the series (so far {pace:.2f} x the estimate)"


def main_estimate(args) -> int:
    """``python -m nbhelpers estimate``: measure this machine's rates, print the estimate."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before Keras loads TensorFlow
    cfg = config.load(args.profile, data=args.data, **config.parse_assignments(args.set))
    est = estimate(cfg, images_of(cfg))
    print(json.dumps(est) if args.json else "\n".join(lines(est, sorted(est["notebooks"]))))
    return 0
