"""The blog's findings, and the answers this project adds, as checks over a run's results.json.

Each claim has an id, the notebook that measures it, one sentence, the blog's own value (or "ours"
for a claim the blog does not make), and a check that reads the recorded numbers and returns
``holds``, ``does not hold`` or ``not measured`` with the measured value. Thresholds sit next to
the blog's quoted values below and are never fitted to this project's runs. Claims whose numbers
depend on the scale of z (the radius peak) are checked as the blog states them and again in a
scale-free form marked as ours: on synthetic faces the blog's form may well not hold, and that is
an honest outcome, never a reason to rescale z.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

HOLDS, FAILS, NOT_MEASURED = "holds", "does not hold", "not measured"

# -- the blog's values and the thresholds that read them --------------------------------------
GAUSSIAN_R2 = 0.95  # per-axis number densities "look like typical Gaussians": median R^2 of fits
BLOG_OFF_CENTRE = 5  # "around 5 coordinate directions" of 256 with a peak off the origin
FEW_AXES_SHARE = 0.10  # "a few": at most a tenth of the axes broad or off-centre
BLOG_RADIUS_PEAK, BLOG_Z_DIM = 16.5, 256  # "a pronounced peak at a radius of R=16.5", sqrt(256) = 16
RADIUS_BAND = (0.9, 1.15)  # peak / sqrt(z_dim) inside this band (the blog: 16.5 / 16 = 1.03)
VOID_RATIO = 1.25  # ours: a quarter more empty cells than a Gaussian with the same covariance
BLOG_PEARSON_OFFDIAG = 2e-7  # "all off-diagonal values were smaller than 2.e-7"
PEARSON_LIMIT = 1e-6
BLOG_COMPONENTS_80 = 120  # "around 120 PCA components to explain 80% of the variance" (of 256)
COMPONENTS_TOLERANCE = 0.2  # "around": within 20 %
BIVARIATE_2SIGMA, BIVARIATE_3SIGMA = 0.865, 0.989  # chi-square(2): 1 - exp(-n^2 / 2)
SHARE_2SIGMA_POINTS, SHARE_3SIGMA_POINTS = 0.03, 0.015  # within 3 and 1.5 percentage points
BLOG_ENCODER_M = (5.11, 2.88)  # VAE Encoder without and with the extra Dense layer, millions
RATIO_TOLERANCE = 0.02
VAL_LOSS_REL = 0.05  # "comparable validation loss": at most 5 % apart
PRECISION_MARGIN = 0.3  # MVN draws on the face manifold, uniform and N(0, I) draws not
GMM_FRECHET_SLACK = 1.05  # the RAE paper: a mixture at least as good as one Gaussian
DOMINANT_FACTOR = 2.0  # "one dominant component": its variance share >= 2 x the second's
QUALITY_MARGIN = 0.1  # "no visible reduction of the quality": precision at most 0.1 lower
# ours: the answers to the blog's open questions
FILAMENT_DIM = 2.0  # "one-dimensional filaments": local dimension <= 2 in the densest regions
CARRIED_SHARE = 0.5  # Gaussian z from Gaussian factors: at least half the departure carried
TINY_KL_SHARE = 0.25  # "like an AE": within a quarter of the way from the AE to the weight-1 VAE


@dataclass(frozen=True)
class Verdict:
    status: str
    value: str  # the measured value, formatted
    measured: float | None = None  # the number the status was decided on


@dataclass(frozen=True)
class Claim:
    id: str
    notebook: str
    sentence: str
    blog: str  # the blog's value or figure, or "ours"
    check: Callable[[dict], Verdict]

    @property
    def ours(self) -> bool:
        return self.blog.startswith("ours")


class _Missing(KeyError):
    pass


def _get(results: dict, notebook: str, *path):
    """results[notebook][path...], or _Missing naming what is absent."""
    node = results.get(notebook)
    if node is None:
        raise _Missing(f"{notebook} did not run")
    for key in path:
        if not isinstance(node, dict) or key not in node:
            raise _Missing(f"{notebook} recorded no {'/'.join(map(str, path))}")
        node = node[key]
    return node


def _verdict(ok: bool, value: str, measured: float | None = None) -> Verdict:
    return Verdict(HOLDS if ok else FAILS, value, measured)


def _notebook(name: str) -> str:
    return {"01": "01_autoencoder_training", "02": "02_latent_number_density",
            "03": "03_tsne_filaments", "04": "04_pca_ellipses", "05": "05_vae_extra_dense_layer",
            "06": "06_face_generation", "07": "07_ground_truth_factors",
            "08": "08_vae_latent_space"}[name]


# -- the checks -------------------------------------------------------------------------------
def _loss_falls(notebook: str, *path) -> Callable[[dict], Verdict]:
    def check(r):
        node = _get(r, notebook, *path) if path else _get(r, notebook)
        first, last = node["loss_first_epoch"], node["loss_last_epoch"]
        return _verdict(last < first, f"{first:.4g} -> {last:.4g}", last - first)
    return check


def _gaussian_axes(r):
    r2 = _get(r, _notebook("02"), "fit_r2_median")
    return _verdict(r2 >= GAUSSIAN_R2, f"median R^2 {r2:.3f}", r2)


def _few_axes(r):
    count = _get(r, _notebook("02"), "off_center_count")
    z_dim = _z_dim(r)
    share = count / z_dim
    return _verdict(1 <= count and share <= FEW_AXES_SHARE, f"{count} of {z_dim} ({share:.0%})", share)


def _z_dim(r) -> int:
    """z_dim of the run: sqrt(z_dim) is recorded by notebook 02 as radius_expected."""
    return round(_get(r, _notebook("02"), "radius_expected") ** 2)


def _radius(scale_free: bool):
    def check(r):
        nb = _notebook("02")
        peak, expected = _get(r, nb, "radius_peak"), _get(r, nb, "radius_expected")
        scale = _get(r, nb, "sigma_median") if scale_free else 1.0
        ratio = peak / (expected * scale)
        lo, hi = RADIUS_BAND
        what = "sqrt(z_dim) x median sigma" if scale_free else "sqrt(z_dim)"
        return _verdict(lo <= ratio <= hi, f"peak {peak:.2f} = {ratio:.2f} x {what}", ratio)
    return check


def _voids(r):
    nb = _notebook("03")
    ratios = [x["void"]["ratio"] for x in _get(r, nb, "tsne_runs") if "void" in x]
    ratios += [v["ratio"] for v in _get(r, nb, "plane_voids").values()]
    if not ratios:
        raise _Missing("no void shares recorded")
    med = statistics.median(ratios)
    return _verdict(med >= VOID_RATIO, f"median ratio {med:.2f} over {len(ratios)} maps "
                    f"(range {min(ratios):.2f}-{max(ratios):.2f})", med)


def _pearson(r):
    off = _get(r, _notebook("04"), "pearson_max_offdiag")
    return _verdict(off <= PEARSON_LIMIT, f"{off:.1e}", off)


def _components(scale_free: bool):
    def check(r):
        k = _get(r, _notebook("04"), "components_for_80pct")
        z_dim = _z_dim(r)
        if scale_free:
            share, blog = k / z_dim, BLOG_COMPONENTS_80 / BLOG_Z_DIM
            ok = abs(share - blog) <= COMPONENTS_TOLERANCE * blog
            return _verdict(ok, f"{k} of {z_dim} ({share:.0%} of the axes)", share)
        ok = abs(k - BLOG_COMPONENTS_80) <= COMPONENTS_TOLERANCE * BLOG_COMPONENTS_80
        return _verdict(ok, f"{k} component{'' if k == 1 else 's'}", k)
    return check


def _ellipse(n_sigma: int):
    def check(r):
        share = _get(r, _notebook("04"), f"inside_{n_sigma}sigma")
        want, tol = ((BIVARIATE_2SIGMA, SHARE_2SIGMA_POINTS) if n_sigma == 2
                     else (BIVARIATE_3SIGMA, SHARE_3SIGMA_POINTS))
        return _verdict(abs(share - want) <= tol, f"{share:.1%}", share)
    return check


def _extra_dense(r):
    nb = _notebook("05")
    enc = _get(r, nb, "encoder_params")
    ratio = enc["z256_dense256"] / enc["z256"]
    blog = BLOG_ENCODER_M[1] / BLOG_ENCODER_M[0]
    text = f"{enc['z256'] / 1e6:.2f} M -> {enc['z256_dense256'] / 1e6:.2f} M (x{ratio:.3f})"
    variants = _get(r, nb, "variants")
    if "vae_nodense" not in variants:
        return _verdict(abs(ratio - blog) <= RATIO_TOLERANCE, text + "; no VAE without it trained",
                        ratio)
    a, b = variants["vae"]["val_loss_last_epoch"], variants["vae_nodense"]["val_loss_last_epoch"]
    rel = abs(a - b) / abs(b)
    ok = abs(ratio - blog) <= RATIO_TOLERANCE and rel <= VAL_LOSS_REL
    return _verdict(ok, f"{text}; validation loss {a:.4g} vs {b:.4g} ({rel:.1%} apart)", rel)


def _realism(r):
    return _get(r, _notebook("06"), "realism")


def _mvn_faces(r):
    t = _realism(r)
    naive = {k: t[f"ae/{k}"]["precision"] for k in ("uniform_box", "uniform_range", "normal")}
    mvn = t["ae/mvn"]["precision"]
    margin = mvn - max(naive.values())
    worst = max(naive, key=naive.get)
    return _verdict(margin >= PRECISION_MARGIN, f"precision MVN {mvn:.2f}, best naive {worst} "
                    f"{naive[worst]:.2f} (margin {margin:.2f})", margin)


def _gmm(r):
    t = _realism(r)
    g, m = t["ae/gmm"]["frechet"], t["ae/mvn"]["frechet"]
    return _verdict(g <= GMM_FRECHET_SLACK * m, f"Frechet GMM {g:.3g}, MVN {m:.3g}", g / m)


def _dominant(r):
    v = _get(r, _notebook("03"), "raw_pca_variance")
    ratio = v[0] / v[1]
    return _verdict(ratio >= DOMINANT_FACTOR, f"component 0 {v[0]:.1%}, component 1 {v[1]:.1%} "
                    f"(x{ratio:.1f})", ratio)


def _quality(r):
    t = _get(r, _notebook("05"), "normal_faces_realism")
    if "vae_nodense" not in t:
        raise _Missing("no VAE without the extra layer was trained")
    a, b = t["vae"]["precision"], t["vae_nodense"]["precision"]
    return _verdict(a >= b - QUALITY_MARGIN, f"precision of N(0, I) faces {a:.2f} with the "
                    f"layer, {b:.2f} without", a - b)


def _filaments(r):
    d = _get(r, _notebook("03"), "intrinsic_dimension")
    local, ref = d["z"]["local_dense"], d["gaussian_reference"]["local_dense"]
    truth = f", truth {d['truth']}" if d.get("truth") else ""
    return _verdict(local <= FILAMENT_DIM, f"local dimension {local:g} in the densest "
                    f"neighbourhoods (TwoNN {d['z']['twonn']:.1f} globally{truth}; Gaussian "
                    f"reference {ref:g})", local)


def _gaussian_factors(r):
    q = _get(r, _notebook("07"), "gaussian_question")
    if "skipped" in q:
        raise _Missing(q["skipped"])
    share = q["carried_share"]
    t = q["table"]
    return _verdict(share >= CARRIED_SHARE, f"{share:.0%} of the factors' departure carried "
                    f"(PCA KS {t['normal']['PCA components']['ks_median']:.3f} -> "
                    f"{t['uniform']['PCA components']['ks_median']:.3f})", share)


def _tiny_kl(r):
    rows = _get(r, _notebook("08"), "kl_sweep", "rows")
    weights = sorted(float(w) for w in rows)
    if weights[0] != 0.0 or len(weights) < 3:
        raise _Missing("the sweep needs weight 0 (the AE reference), a tiny and a large weight")
    tiny, big = f"{weights[1]:g}", f"{weights[-1]:g}"

    def way(key: str, log: bool) -> float:
        f = (lambda v: math.log(v)) if log else (lambda v: v)
        ae = f(rows["0"][key])
        return abs(f(rows[tiny][key]) - ae) / max(abs(f(rows[big][key]) - ae), 1e-12)

    radius, precision = way("radius_peak", True), way("precision", False)
    worst = max(radius, precision)
    return _verdict(worst <= TINY_KL_SHARE, f"weight {tiny}: {radius:.0%} of the way from the AE "
                    f"to weight {big} in radius peak, {precision:.0%} in the precision of N(0, I) "
                    f"faces", worst)


CLAIMS: tuple[Claim, ...] = (
    Claim("ae_loss_falls", _notebook("01"), "Training lowers the AE's reconstruction loss.",
          "the loss falls", _loss_falls(_notebook("01"))),
    Claim("axes_gaussian", _notebook("02"), "The number density along each axis is Gaussian.",
          "'typical Gaussians' on most axes", _gaussian_axes),
    Claim("few_axes_off_centre", _notebook("02"),
          "Only a few axes are broad or centred away from the origin.",
          f"about {BLOG_OFF_CENTRE} of {BLOG_Z_DIM} axes", _few_axes),
    Claim("radius_peak", _notebook("02"), "The radius density peaks near sqrt(z_dim).",
          f"{BLOG_RADIUS_PEAK} against sqrt({BLOG_Z_DIM}) = 16", _radius(False)),
    Claim("radius_peak_scaled", _notebook("02"),
          "The radius density peaks near sqrt(z_dim) times the median axis width.",
          "ours (scale-free form of the radius claim)", _radius(True)),
    Claim("voids", _notebook("03"),
          "The z-points leave voids: their maps have more empty cells than a Gaussian's.",
          "ours (the blog: 'extended voids', no number)", _voids),
    Claim("pca_one_dominant", _notebook("03"),
          "A PCA of raw z has one dominant component.",
          "'one dominant component', flat after about 10", _dominant),
    Claim("filaments_one_dimensional", _notebook("03"),
          "The filaments are one-dimensional: the local intrinsic dimension is at most 2.",
          "ours (the blog's open question)", _filaments),
    Claim("pearson_diagonal", _notebook("04"),
          "After trimming and PCA the Pearson matrix is diagonal.",
          f"off-diagonal < {BLOG_PEARSON_OFFDIAG:g}", _pearson),
    Claim("components_80pct", _notebook("04"),
          "About 120 PCA components carry 80 % of the variance.",
          f"about {BLOG_COMPONENTS_80} of {BLOG_Z_DIM}", _components(False)),
    Claim("components_80pct_share", _notebook("04"),
          "About 47 % of the axes are needed for 80 % of the variance.",
          "ours (scale-free form: 120 / 256 of the axes)", _components(True)),
    Claim("ellipses_2sigma", _notebook("04"),
          "The 2-sigma ellipses hold the share of points a bivariate normal puts there.",
          f"{BIVARIATE_2SIGMA:.1%}", _ellipse(2)),
    Claim("ellipses_3sigma", _notebook("04"),
          "The 3-sigma ellipses hold the share of points a bivariate normal puts there.",
          f"{BIVARIATE_3SIGMA:.1%}", _ellipse(3)),
    Claim("vae_loss_falls", _notebook("05"), "Training lowers the VAE's loss.", "the loss falls",
          _loss_falls(_notebook("05"), "variants", "vae")),
    Claim("extra_dense_halves_encoder", _notebook("05"),
          "The extra Dense layer shrinks the Encoder at comparable validation loss.",
          f"{BLOG_ENCODER_M[0]} M -> {BLOG_ENCODER_M[1]} M", _extra_dense),
    Claim("extra_dense_keeps_quality", _notebook("05"),
          "The extra Dense layer does not reduce the quality of faces from N(0, I).",
          "'no visible reduction of the quality'", _quality),
    Claim("mvn_gives_faces", _notebook("06"),
          "Multivariate-normal draws decode to faces; uniform and N(0, I) draws do not.",
          "faces from the MVN, none from uniform or N(0, I)", _mvn_faces),
    Claim("gmm_at_least_mvn", _notebook("06"),
          "A Gaussian mixture does at least as well as one multivariate normal.",
          "the RAE paper (Ghosh et al. 2020)", _gmm),
    Claim("gaussian_from_factors", _notebook("07"),
          "Gaussian latent distributions come from Gaussian factors in the data.",
          "ours (the blog's open question)", _gaussian_factors),
    Claim("tiny_kl_like_ae", _notebook("08"),
          "A VAE with a tiny KL weight behaves like an AE.",
          "ours (the blog's next post)", _tiny_kl),
)


def evaluate(results: dict, claims=CLAIMS) -> list[dict]:
    """One row per claim: id, notebook, sentence, blog, value, status (never raises for a
    missing or malformed value: that is "not measured", with the reason as the value)."""
    rows = []
    for c in claims:
        try:
            v = c.check(results)
            if v.measured is not None and isinstance(v.measured, float) and math.isnan(v.measured):
                v = Verdict(NOT_MEASURED, "NaN")
        except (_Missing, KeyError, TypeError, ZeroDivisionError) as exc:
            v = Verdict(NOT_MEASURED, str(exc.args[0]) if exc.args else type(exc).__name__)
        rows.append({"id": c.id, "notebook": c.notebook, "claim": c.sentence, "blog": c.blog,
                     "value": v.value, "status": v.status})
    return rows


def summary(rows: list[dict]) -> str:
    """The claims as an aligned text table, with a count per status at the end."""
    width = max(len(r["id"]) for r in rows)
    lines = [f"{'claim':<{width}}  {'status':<13}  this run (the blog)"]
    for r in rows:
        lines.append(f"{r['id']:<{width}}  {r['status']:<13}  {r['value']} ({r['blog']})")
    counts = {s: sum(r["status"] == s for r in rows) for s in (HOLDS, FAILS, NOT_MEASURED)}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(lines)
