"""The blog's findings, and the answers this project adds, as checks over a run's results.json.

Each claim names the notebook that measures it, one sentence, the blog's own value (or "ours" for a
claim the blog does not make), the one recorded key that measures it, and the line(s) that value
must clear. A claim computes nothing: every number it reads was computed by a library function
(``latent/``, ``models/``) and recorded by the step of its notebook (``steps/``;
docs/results_keys.md names both for every key), so the same number is in results.json, in the
report and, where it carries a finding, in the regression baseline. The status is ``holds``, ``does
not hold``, ``not measured`` (the key is absent, or the step recorded why it could not measure it)
or, when a baseline's seed spread is given, ``within noise``: the value lies closer to its line
than the spread of that key over the baseline's seeds (``baseline.spread``), so its side of the
line is decided by the seed or the CPU, not by the code (the default run's void ratio is 1.21 on
one machine, 1.24 on another, against a line of 1.25).

Thresholds sit next to the blog's quoted values below and are never fitted to this project's runs.
Claims whose numbers depend on the scale of z (the radius peak) are checked as the blog states them
and again in a scale-free form marked as ours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

HOLDS, FAILS, NOT_MEASURED, NOISE = "holds", "does not hold", "not measured", "within noise"
STATUSES = (HOLDS, FAILS, NOISE, NOT_MEASURED)

# -- the blog's values and the thresholds that read them --------------------------------------
GAUSSIAN_R2 = 0.95  # per-axis number densities "look like typical Gaussians": median R^2 of fits
FEW_AXES_SHARE = 0.10  # "a few": at most a tenth of the axes (off-centre; broad, ours)
BLOG_RADIUS_PEAK, BLOG_Z_DIM = 16.5, 256  # "a pronounced peak at a radius of R=16.5", sqrt(256) = 16
RADIUS_BAND = (0.9, 1.15)  # peak / sqrt(z_dim) inside this band (the blog: 16.5 / 16 = 1.03)
VOID_RATIO = 1.25  # ours: a quarter more empty cells than a Gaussian with the same covariance
BLOG_PEARSON_OFFDIAG = 2e-7  # "All off-diagonal values were smaller than 2.e-7" (post IX)
BLOG_COMPONENTS_80 = 120  # "around 120 PCA components to explain 80% of the variance" (of 256)
COMPONENTS_TOLERANCE = 0.2  # "around": within 20 %
# post IX: "A 2 sigma-level ellipse encircles between 70% and 90% of all data points, depending
# on the eccentricity of the ellipse"; "A 3-sigma level covers around 97% of all data points or
# more" (its ellipses: from the Gaussian fits of the components); "around": from 96.5 %
BLOG_2SIGMA_BAND, BLOG_3SIGMA_FROM = (0.70, 0.90), 0.965
# ours: a bivariate normal's textbook shares, chi-square(2): 1 - exp(-n^2 / 2)
BIVARIATE_2SIGMA, BIVARIATE_3SIGMA = 0.865, 0.989
SHARE_2SIGMA_POINTS, SHARE_3SIGMA_POINTS = 0.03, 0.015  # within 3 and 1.5 percentage points
BLOG_ENCODER_M = (5.11, 2.88)  # VAE Encoder without and with the extra Dense layer, millions
RATIO_TOLERANCE = 0.02
VAL_LOSS_REL = 0.05  # ours: "comparable validation loss", at most 5 % apart
PRECISION_MARGIN = 0.3  # MVN draws on the face manifold, uniform and N(0, I) draws not
GMM_FRECHET_SLACK = 1.05  # the RAE paper: a mixture at least as good as one Gaussian
DOMINANT_FACTOR = 2.0  # "one dominant component": its variance share >= 2 x the second's
QUALITY_MARGIN = 0.1  # "no visible reduction of the quality": precision at most 0.1 lower
# post II: "thin, elongated and curved but basically one-dimensional filaments": a local
# dimension of at most 2 at some scale up to a tenth of the cloud (where the blog zoomed)
FILAMENT_DIM = 2.0
# post II: "lines for z-point projections onto multiple planes"; the blog gives no number, ours:
# the zoom squares' points at most 0.8 times as flat as a Gaussian's in the same squares
LINE_RATIO = 0.8
# ours: the AE reconstructs faces, measured against the mean face (``models.quality``): it leaves
# at most half of the mean face's loss above the floor, and a reconstruction lies nearest its own
# photo among the held-out faces in at least half of the cases
EXCESS_SHARE, IDENTIFIED = 0.5, 0.5
# ours, after Foster's CelebA Smiling: an attribute vector added twice raises a probe's
# probability of the attribute by at least a quarter of the scale (median over the attributes)
ARITHMETIC_RISE = 0.25
# ours: the answers to the blog's open questions
CARRIED_SHARE = 0.5  # Gaussian z from Gaussian factors: at least half the departure carried
TINY_KL_SHARE = 0.25  # "like an AE": within a quarter of the way from the AE to the weight-1 VAE

NB = {"01": "01_autoencoder_training", "02": "02_latent_number_density",
      "03": "03_tsne_filaments", "04": "04_pca_ellipses", "05": "05_vae_extra_dense_layer",
      "06": "06_face_generation", "07": "07_ground_truth_factors", "08": "08_vae_latent_space"}


class _Missing(KeyError):
    pass


def get(results: dict, path: str):
    """The recorded value at ``path`` ("notebook/key/..."), or _Missing naming what is absent."""
    notebook, *keys = path.split("/")
    node = results.get(notebook)
    if node is None:
        raise _Missing(f"{notebook} did not run")
    for i, key in enumerate(keys):
        if not isinstance(node, dict) or key not in node:
            if isinstance(node, dict) and "skipped" in node:
                raise _Missing(str(node["skipped"]))
            raise _Missing(f"{notebook} recorded no {'/'.join(keys[:i + 1])}")
        node = node[key]
    return node


@dataclass(frozen=True)
class Line:
    """What the measured value must clear: ``at_least`` and/or ``at_most`` (numbers, or the path
    of another recorded value such as the first epoch's loss); ``strict`` for > and <."""

    at_least: float | str | None = None
    at_most: float | str | None = None
    strict: bool = False

    def bounds(self, results: dict) -> list[float]:
        return [float(get(results, b)) if isinstance(b, str) else float(b)
                for b in (self.at_least, self.at_most) if b is not None]

    def holds(self, value: float, results: dict) -> bool:
        bounds = self.bounds(results)
        lo = None if self.at_least is None else bounds[0]
        hi = None if self.at_most is None else bounds[-1]
        if self.strict:
            return (lo is None or value > lo) and (hi is None or value < hi)
        return (lo is None or value >= lo) and (hi is None or value <= hi)


@dataclass(frozen=True)
class Claim:
    id: str
    notebook: str
    sentence: str
    blog: str  # the blog's value or figure, or "ours"
    key: str  # the recorded value that measures the claim: "notebook/key/..."
    line: Line
    text: Callable[[dict, float], str]  # the measured value in words, from recorded values

    @property
    def ours(self) -> bool:
        return self.blog.startswith("ours")


def evaluate(results: dict, claims=None, spread: dict[str, float] | None = None) -> list[dict]:
    """One row per claim: id, notebook, sentence, blog, key, measured, value (in words) and status
    (never raises for a missing or malformed value: that is "not measured", with the reason as
    the value). ``spread``: {key: seed spread} of a baseline (``baseline.spreads``); a claim
    whose value lies within its key's spread of a line reads "within noise"."""
    rows = []
    for c in CLAIMS if claims is None else claims:
        row = {"id": c.id, "notebook": c.notebook, "claim": c.sentence, "blog": c.blog,
               "key": c.key, "measured": None}
        try:
            v = get(results, c.key)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                raise _Missing(f"{c.key} is {v}: the step could not measure it")
            v = float(v)
            status = HOLDS if c.line.holds(v, results) else FAILS
            try:
                value = c.text(results, v)
            except (_Missing, KeyError, TypeError, ValueError, ZeroDivisionError):
                value = f"{v:.4g}"  # the words need values this run did not record
            tol = (spread or {}).get(c.key)
            near = [b for b in c.line.bounds(results) if tol is not None and abs(v - b) <= tol]
            if near:
                value += (f"; {v:.4g} is within the seed spread ({tol:.2g}) of the line "
                          f"{near[0]:.4g}: {status} on this run")
                status = NOISE
            row.update(measured=v, value=value, status=status)
        except (_Missing, KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            row.update(value=str(exc.args[0]) if exc.args else type(exc).__name__,
                       status=NOT_MEASURED)
        rows.append(row)
    return rows


def summary(rows: list[dict]) -> str:
    """The claims as an aligned text table, with a count per status at the end."""
    width = max(len(r["id"]) for r in rows)
    lines = [f"{'claim':<{width}}  {'status':<13}  this run (the blog)"]
    for r in rows:
        lines.append(f"{r['id']:<{width}}  {r['status']:<13}  {r['value']} ({r['blog']})")
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items() if n or s != NOISE))
    return "\n".join(lines)


# -- the values in words (formatting only: every number is recorded) ----------------------------
def _loss(prefix: str):
    return lambda r, v: f"{get(r, prefix + 'loss_first_epoch'):.4g} -> {v:.4g}"


def _few_axes(what: str):
    def text(r, v):
        nb = NB["02"]
        return f"{get(r, f'{nb}/{what}_count')} of {get(r, nb + '/z_dim')} ({v:.0%})"
    return text


def _radius(scale_free: bool):
    what = "sqrt(z_dim) x median sigma" if scale_free else "sqrt(z_dim)"
    return lambda r, v: f"peak {get(r, NB['02'] + '/radius_peak'):.2f} = {v:.2f} x {what}"


def _voids(r, v):
    s = get(r, NB["03"] + "/void_ratio")
    return f"median ratio {v:.2f} over {s['maps']} maps (range {s['min']:.2f}-{s['max']:.2f})"


def _reconstruction(r, v):
    q = get(r, NB["01"] + "/reconstruction")
    return (f"loss {q['loss']:.4f} against the mean face's {q['mean_face_loss']:.4f} (floor "
            f"{q['floor']:.4f}): {q['excess_share']:.0%} of its excess left; "
            f"{q['identified']:.0%} of {q['faces']} reconstructions nearest their own photo")


def _arithmetic(r, v):
    a = get(r, NB["07"] + "/attribute_arithmetic/attributes")
    rises = ", ".join(f"{name} {row['probability'][0]:.2f} -> {row['probability'][-1]:.2f}"
                      for name, row in a.items())
    return f"median rise {v:.2f} ({rises})"


def _dominant(r, v):
    share = get(r, NB["03"] + "/raw_pca_variance")
    return f"component 0 {share[0]:.1%}, component 1 {share[1]:.1%} (x{v:.1f})"


def _filaments(r, v):
    d = get(r, NB["03"] + "/dimension_by_scale")
    low, small = d["lowest"], d["smallest_scale"]
    truth = f"; truth {d['truth']}" if d.get("truth") else ""
    return (f"lowest local dimension {v:.1f} (at k = {low['z_k']:,} of {d['z']['n']:,} points; "
            f"{small['z']:.1f} at k = {small['k']}, the Gaussian reference {small['gaussian_reference']:.1f}"
            f"{truth})")


def _lines(r, v):
    f = get(r, NB["03"] + "/filament_lines")
    return (f"zoom squares {v:.2f}x as flat as a Gaussian's in the same squares "
            f"(median of {f['measured']} squares; 1: no more lines than a Gaussian)")


def _components(r, v):
    k = get(r, NB["04"] + "/components_for_80pct")
    share = get(r, NB["04"] + "/components_share_80pct")
    return f"{k} component{'' if k == 1 else 's'} ({share:.0%} of the axes)"


def _encoder(r, v):
    enc = get(r, NB["05"] + "/encoder_params")
    return f"{enc['z256'] / 1e6:.2f} M -> {enc['z256_dense256'] / 1e6:.2f} M (x{v:.3f})"


def _val_gap(r, v):
    t = get(r, NB["05"] + "/variants")
    return (f"validation loss {t['vae']['val_loss_last_epoch']:.4g} with the layer, "
            f"{t['vae_nodense']['val_loss_last_epoch']:.4g} without ({v:.1%} apart)")


def _quality(r, v):
    t = get(r, NB["05"] + "/normal_faces_realism")
    return (f"precision of N(0, I) faces {t['vae']['precision']:.2f} with the layer, "
            f"{t['vae_nodense']['precision']:.2f} without")


def _mvn(r, v):
    t = get(r, NB["06"] + "/realism")
    return (f"precision MVN {t['ae/mvn']['precision']:.2f}, best naive "
            f"{get(r, NB['06'] + '/best_naive')} {get(r, NB['06'] + '/best_naive_precision'):.2f} "
            f"(margin {v:.2f})")


def _gmm(r, v):
    t = get(r, NB["06"] + "/realism")
    return f"Frechet GMM {t['ae/gmm']['frechet']:.3g}, MVN {t['ae/mvn']['frechet']:.3g} (x{v:.2f})"


def _carried(r, v):
    t = get(r, NB["07"] + "/gaussian_question/table")
    return (f"{v:.0%} of the factors' departure carried (PCA KS "
            f"{t['normal']['PCA components']['ks_median']:.3f} -> "
            f"{t['uniform']['PCA components']['ks_median']:.3f})")


def _tiny_kl(r, v):
    w = get(r, NB["08"] + "/tiny_kl_way")

    def share(x):
        return "not measured (no way to cover)" if x is None else f"{x:.0%}"
    return (f"weight {w['tiny']}: {share(w['radius'])} of the way from the AE to weight "
            f"{w['large']} in radius peak, {share(w['precision'])} in the precision of N(0, I) faces")


def _share(r, v):
    return f"{v:.1%}"


def _fit_share(n: int):
    def text(r, v):
        try:
            orig = get(r, NB["04"] + f"/original_fit_inside_{n}sigma")
        except _Missing:
            orig = None
        return f"{v:.1%} on PCA pairs" + ("" if orig is None else
                                          f", {orig:.1%} on the most correlated original-axis pairs")
    return text


def _number(fmt: str):
    return lambda r, v: format(v, fmt)


def _band(center: float, tol: float) -> Line:
    return Line(at_least=center - tol, at_most=center + tol)


_BLOG_SHARE = BLOG_COMPONENTS_80 / BLOG_Z_DIM
CLAIMS: tuple[Claim, ...] = (
    Claim("ae_loss_falls", NB["01"], "Training lowers the AE's reconstruction loss.",
          "the loss falls", NB["01"] + "/loss_last_epoch",
          Line(at_most=NB["01"] + "/loss_first_epoch", strict=True), _loss(NB["01"] + "/")),
    Claim("ae_beats_mean_face", NB["01"],
          "The AE's reconstructions are far better than the mean face: it leaves at most half "
          "of the mean face's loss above the floor on held-out faces.",
          "ours (the blog shows reconstructions, no number)",
          NB["01"] + "/reconstruction/excess_share", Line(at_most=EXCESS_SHARE), _reconstruction),
    Claim("reconstructions_identify_faces", NB["01"],
          "A reconstruction is recognisably its own face: the nearest held-out photo to it is "
          "its own in at least half of the cases.", "ours",
          NB["01"] + "/reconstruction/identified", Line(IDENTIFIED), _reconstruction),
    Claim("axes_gaussian", NB["02"], "The number density along each axis is Gaussian.",
          "'typical Gaussians' on most axes", NB["02"] + "/fit_r2_median", Line(GAUSSIAN_R2),
          lambda r, v: f"median R^2 {v:.3f}"),
    Claim("few_axes_off_centre", NB["02"],
          "Only a few axes have their density peak off the origin (|centre| above the median "
          "sigma).", "'around 5 coordinate directions where the distribution has a peak "
          "significantly off the origin' (of 256)", NB["02"] + "/off_centre_share",
          Line(at_least=0.0, at_most=FEW_AXES_SHARE), _few_axes("off_centre")),
    Claim("few_axes_broad", NB["02"],
          "Only a few axes are broad (sigma above 1.5 x the median sigma).",
          "ours (the blog: the off-centre axes are 'relatively broad', no count)",
          NB["02"] + "/broad_share", Line(at_least=0.0, at_most=FEW_AXES_SHARE),
          _few_axes("broad")),
    Claim("radius_peak", NB["02"], "The radius density peaks near sqrt(z_dim).",
          f"{BLOG_RADIUS_PEAK} against sqrt({BLOG_Z_DIM}) = 16", NB["02"] + "/radius_ratio",
          Line(*RADIUS_BAND), _radius(False)),
    Claim("radius_peak_scaled", NB["02"],
          "The radius density peaks near sqrt(z_dim) times the median axis width.",
          "ours (scale-free form of the radius claim)", NB["02"] + "/radius_ratio_scaled",
          Line(*RADIUS_BAND), _radius(True)),
    Claim("voids", NB["03"],
          "The z-points leave voids: their maps have more empty cells than a Gaussian's.",
          "ours (the blog: 'extended voids', no number)", NB["03"] + "/void_ratio/median",
          Line(VOID_RATIO), _voids),
    Claim("pca_one_dominant", NB["03"], "A PCA of raw z has one dominant component.",
          "'one dominant component', flat after about 10", NB["03"] + "/raw_pca_dominance",
          Line(DOMINANT_FACTOR), _dominant),
    Claim("filaments_one_dimensional", NB["03"],
          "The z-points lie on basically one-dimensional filaments: at some scale up to a tenth "
          "of the cloud their local dimension is at most 2.",
          "'thin, elongated and curved but basically one-dimensional filaments' (post II)",
          NB["03"] + "/dimension_by_scale/lowest/z", Line(at_most=FILAMENT_DIM), _filaments),
    Claim("projections_show_lines", NB["03"],
          "Plane projections show lines: the zoom squares' points are more line-like than a "
          "Gaussian's in the same squares.",
          "'we get lines for z-point projections onto multiple planes' (post II; the 0.8 is ours)",
          NB["03"] + "/filament_lines/ratio", Line(at_most=LINE_RATIO), _lines),
    Claim("pearson_diagonal", NB["04"], "After trimming and PCA the Pearson matrix is diagonal.",
          "'All off-diagonal values were smaller than 2.e-7'", NB["04"] + "/pearson_max_offdiag",
          Line(at_most=BLOG_PEARSON_OFFDIAG, strict=True), _number(".1e")),
    Claim("components_80pct", NB["04"], "About 120 PCA components carry 80 % of the variance.",
          f"about {BLOG_COMPONENTS_80} of {BLOG_Z_DIM}", NB["04"] + "/components_for_80pct",
          _band(BLOG_COMPONENTS_80, COMPONENTS_TOLERANCE * BLOG_COMPONENTS_80), _components),
    Claim("components_80pct_share", NB["04"],
          "About 47 % of the axes are needed for 80 % of the variance.",
          "ours (scale-free form: 120 / 256 of the axes)", NB["04"] + "/components_share_80pct",
          _band(_BLOG_SHARE, COMPONENTS_TOLERANCE * _BLOG_SHARE), _components),
    Claim("ellipses_2sigma", NB["04"],
          "A 2-sigma ellipse of the Gaussian fits holds 70-90 % of the points.",
          "'between 70% and 90% of all data points, depending on the eccentricity'",
          NB["04"] + "/fit_inside_2sigma", Line(*BLOG_2SIGMA_BAND), _fit_share(2)),
    Claim("ellipses_3sigma", NB["04"],
          "A 3-sigma ellipse of the Gaussian fits holds about 97 % of the points or more.",
          "'around 97% of all data points or more'", NB["04"] + "/fit_inside_3sigma",
          Line(BLOG_3SIGMA_FROM), _fit_share(3)),
    Claim("ellipses_2sigma_bivariate", NB["04"],
          "The 2-sigma ellipses of the sample moments hold a bivariate normal's share.",
          f"ours (a bivariate normal: {BIVARIATE_2SIGMA:.1%})", NB["04"] + "/inside_2sigma",
          _band(BIVARIATE_2SIGMA, SHARE_2SIGMA_POINTS), _share),
    Claim("ellipses_3sigma_bivariate", NB["04"],
          "The 3-sigma ellipses of the sample moments hold a bivariate normal's share.",
          f"ours (a bivariate normal: {BIVARIATE_3SIGMA:.1%})", NB["04"] + "/inside_3sigma",
          _band(BIVARIATE_3SIGMA, SHARE_3SIGMA_POINTS), _share),
    Claim("vae_loss_falls", NB["05"], "Training lowers the VAE's loss.", "the loss falls",
          NB["05"] + "/variants/vae/loss_last_epoch",
          Line(at_most=NB["05"] + "/variants/vae/loss_first_epoch", strict=True),
          _loss(NB["05"] + "/variants/vae/")),
    Claim("extra_dense_halves_encoder", NB["05"],
          "The extra Dense layer shrinks the Encoder from 5.11 M to 2.88 M parameters.",
          f"{BLOG_ENCODER_M[0]} M -> {BLOG_ENCODER_M[1]} M", NB["05"] + "/encoder_ratio",
          _band(BLOG_ENCODER_M[1] / BLOG_ENCODER_M[0], RATIO_TOLERANCE), _encoder),
    Claim("extra_dense_comparable_loss", NB["05"],
          "With and without the extra Dense layer the VAE reaches comparable validation loss.",
          "ours (the blog states no loss comparison)", NB["05"] + "/val_loss_gap",
          Line(at_most=VAL_LOSS_REL), _val_gap),
    Claim("extra_dense_keeps_quality", NB["05"],
          "The extra Dense layer does not reduce the quality of faces from N(0, I).",
          "'no visible reduction of the quality'", NB["05"] + "/quality_gap",
          Line(-QUALITY_MARGIN), _quality),
    Claim("mvn_gives_faces", NB["06"],
          "Draws that keep the components' correlations (a multivariate normal) decode to faces "
          "far more often than draws within each component's interval or from N(0, I).",
          "per-component intervals 'not a sufficient restriction': the components 'must in "
          "addition fulfill correlation conditions'", NB["06"] + "/mvn_precision_margin",
          Line(PRECISION_MARGIN), _mvn),
    Claim("gmm_at_least_mvn", NB["06"],
          "A Gaussian mixture does at least as well as one multivariate normal.",
          "the RAE paper (Ghosh et al. 2020)", NB["06"] + "/gmm_frechet_ratio",
          Line(at_most=GMM_FRECHET_SLACK), _gmm),
    Claim("attribute_arithmetic", NB["07"],
          "Adding an attribute vector (mean z with the attribute minus mean z without) adds the "
          "attribute: twice added, it raises a probe's probability of it by at least 0.25.",
          "ours (Foster, Generative Deep Learning, with CelebA's Smiling)",
          NB["07"] + "/attribute_arithmetic/rise_median", Line(ARITHMETIC_RISE), _arithmetic),
    Claim("gaussian_from_factors", NB["07"],
          "Gaussian latent distributions come from Gaussian factors in the data.",
          "ours (the blog's open question)", NB["07"] + "/gaussian_question/carried_share",
          Line(CARRIED_SHARE), _carried),
    Claim("tiny_kl_like_ae", NB["08"], "A VAE with a tiny KL weight behaves like an AE.",
          "ours (the blog's next post)", NB["08"] + "/tiny_kl_way/worst",
          Line(at_most=TINY_KL_SHARE), _tiny_kl),
)
