"""The blog's findings, and the answers this project adds, as checks over a run's results.json.

Each claim names the notebook that measures it, one sentence, the blog's own value (or "ours" for a
claim the blog does not make), the one recorded key that measures it, and the line(s) that value
must clear. A claim computes nothing: every number it reads was computed by a library function
(``latent/``, ``models/``; docs/results_keys.md names it and the notebook for every key) and
recorded by the step of its notebook (``steps/``: where the key's constant is passed to
``run.record``), so the same number is in results.json, in the
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

from .keys import NOTEBOOKS, Density, Ellipses, ExtraDense, Factors, Generation, Training, Tsne, VaeSpace

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
# the naive samplers the MVN is compared with (notebook 06 records the margin over the best of
# them): the blog's per-component intervals (uniform within each axis' core), a uniform box and
# N(0, I). Independent Gaussians per axis are not among them: they draw one average face over
# and over (recall near 0), which precision, a share of faces on the manifold, cannot judge.
NAIVE_SAMPLERS = ("uniform_box", "uniform_core", "normal")
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

NB = {nb[:2]: nb for nb in NOTEBOOKS}  # "02" -> "02_latent_number_density"


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
    sentence: str
    blog: str  # the blog's value or figure, or "ours"
    key: str  # the recorded value that measures the claim: a declared key's path (``keys``)
    line: Line
    text: Callable[[dict, float], str]  # the measured value in words, from recorded values

    @property
    def notebook(self) -> str:
        return self.key.split("/")[0]

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
def _loss(first: str):
    return lambda r, v: f"{get(r, first):.4g} -> {v:.4g}"


def _few_axes(count: str):
    return lambda r, v: f"{get(r, count)} of {get(r, Density.Z_DIM.path)} ({v:.0%})"


def _radius(scale_free: bool):
    what = "sqrt(z_dim) x median sigma" if scale_free else "sqrt(z_dim)"
    return lambda r, v: f"peak {get(r, Density.RADIUS_PEAK.path):.2f} = {v:.2f} x {what}"


def _voids(r, v):
    s = get(r, Tsne.VOID_RATIO.path)
    return f"median ratio {v:.2f} over {s['maps']} maps (range {s['min']:.2f}-{s['max']:.2f})"


def _reconstruction(r, v):
    q = get(r, Training.RECONSTRUCTION.path)
    return (f"loss {q['loss']:.4f} against the mean face's {q['mean_face_loss']:.4f} (floor "
            f"{q['floor']:.4f}): {q['excess_share']:.0%} of its excess left; "
            f"{q['identified']:.0%} of {q['faces']} reconstructions nearest their own photo")


def _arithmetic(r, v):
    a = get(r, Factors.ATTRIBUTE_ARITHMETIC.at("attributes"))
    rises = ", ".join(f"{name} {row['probability'][0]:.2f} -> {row['probability'][-1]:.2f}"
                      for name, row in a.items())
    return f"median rise {v:.2f} ({rises})"


def _dominant(r, v):
    share = get(r, Tsne.RAW_PCA_VARIANCE.path)
    return f"component 0 {share[0]:.1%}, component 1 {share[1]:.1%} (x{v:.1f})"


def _filaments(r, v):
    d = get(r, Tsne.DIMENSION_BY_SCALE.path)
    low, small = d["lowest"], d["smallest_scale"]
    truth = f"; truth {d['truth']}" if d.get("truth") else ""
    return (f"lowest local dimension {v:.1f} (at k = {low['z_k']:,} of {d['z']['n']:,} points; "
            f"{small['z']:.1f} at k = {small['k']}, the Gaussian reference {small['gaussian_reference']:.1f}"
            f"{truth})")


def _lines(r, v):
    f = get(r, Tsne.FILAMENT_LINES.path)
    return (f"zoom squares {v:.2f}x as flat as a Gaussian's in the same squares "
            f"(median of {f['measured']} squares; 1: no more lines than a Gaussian)")


def _components(r, v):
    k = get(r, Ellipses.COMPONENTS_80.path)
    share = get(r, Ellipses.COMPONENTS_SHARE_80.path)
    return f"{k} component{'' if k == 1 else 's'} ({share:.0%} of the axes)"


def _encoder(r, v):
    enc = get(r, ExtraDense.ENCODER_PARAMS.path)
    return f"{enc['z256'] / 1e6:.2f} M -> {enc['z256_dense256'] / 1e6:.2f} M (x{v:.3f})"


def _val_gap(r, v):
    t = get(r, ExtraDense.VARIANTS.path)
    return (f"validation loss {t['vae']['val_loss_last_epoch']:.4g} with the layer, "
            f"{t['vae_nodense']['val_loss_last_epoch']:.4g} without ({v:.1%} apart)")


def _quality(r, v):
    t = get(r, ExtraDense.NORMAL_FACES_REALISM.path)
    return (f"precision of N(0, I) faces {t['vae']['precision']:.2f} with the layer, "
            f"{t['vae_nodense']['precision']:.2f} without")


def _mvn(r, v):
    t = get(r, Generation.REALISM.path)
    return (f"precision MVN {t['ae/mvn']['precision']:.2f}, best naive "
            f"{get(r, Generation.BEST_NAIVE.path)} {get(r, Generation.BEST_NAIVE_PRECISION.path):.2f} "
            f"(margin {v:.2f})")


def _gmm(r, v):
    t = get(r, Generation.REALISM.path)
    return f"Frechet GMM {t['ae/gmm']['frechet']:.3g}, MVN {t['ae/mvn']['frechet']:.3g} (x{v:.2f})"


def _carried(r, v):
    t = get(r, Factors.GAUSSIAN_QUESTION.at("table"))
    return (f"{v:.0%} of the factors' departure carried (PCA KS "
            f"{t['normal']['PCA components']['ks_median']:.3f} -> "
            f"{t['uniform']['PCA components']['ks_median']:.3f})")


def _tiny_kl(r, v):
    w = get(r, VaeSpace.TINY_KL_WAY.path)

    def share(x):
        return "not measured (no way to cover)" if x is None else f"{x:.0%}"
    return (f"weight {w['tiny']}: {share(w['radius'])} of the way from weight 0 to weight "
            f"{w['large']} in radius peak, {share(w['precision'])} in the precision of N(0, I) faces")


def _share(r, v):
    return f"{v:.1%}"


def _fit_share(n: int):
    def text(r, v):
        try:
            orig = get(r, (Ellipses.ORIGINAL_FIT_INSIDE_2SIGMA if n == 2
                           else Ellipses.ORIGINAL_FIT_INSIDE_3SIGMA).path)
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
    Claim("ae_loss_falls", "Training lowers the AE's reconstruction loss.",
          "the loss falls", Training.LOSS_LAST.path,
          Line(at_most=Training.LOSS_FIRST.path, strict=True), _loss(Training.LOSS_FIRST.path)),
    Claim("ae_beats_mean_face",
          "The AE's reconstructions are far better than the mean face: it leaves at most half "
          "of the mean face's loss above the floor on held-out faces.",
          "ours (the blog shows reconstructions, no number)",
          Training.RECONSTRUCTION.at("excess_share"), Line(at_most=EXCESS_SHARE), _reconstruction),
    Claim("reconstructions_identify_faces",
          "A reconstruction is recognisably its own face: the nearest held-out photo to it is "
          "its own in at least half of the cases.", "ours",
          Training.RECONSTRUCTION.at("identified"), Line(IDENTIFIED), _reconstruction),
    Claim("axes_gaussian", "The number density along each axis is Gaussian.",
          "'typical Gaussians' on most axes", Density.FIT_R2_MEDIAN.path, Line(GAUSSIAN_R2),
          lambda r, v: f"median R^2 {v:.3f}"),
    Claim("few_axes_off_centre",
          "Only a few axes have their density peak off the origin (|centre| above the median "
          "sigma).", "'around 5 coordinate directions where the distribution has a peak "
          "significantly off the origin' (of 256)", Density.OFF_CENTRE_SHARE.path,
          Line(at_least=0.0, at_most=FEW_AXES_SHARE), _few_axes(Density.OFF_CENTRE_COUNT.path)),
    Claim("few_axes_broad", "Only a few axes are broad (sigma above 1.5 x the median sigma).",
          "ours (the blog: the off-centre axes are 'relatively broad', no count)",
          Density.BROAD_SHARE.path, Line(at_least=0.0, at_most=FEW_AXES_SHARE),
          _few_axes(Density.BROAD_COUNT.path)),
    Claim("radius_peak", "The radius density peaks near sqrt(z_dim).",
          f"{BLOG_RADIUS_PEAK} against sqrt({BLOG_Z_DIM}) = 16", Density.RADIUS_RATIO.path,
          Line(*RADIUS_BAND), _radius(False)),
    Claim("radius_peak_scaled", "The radius density peaks near sqrt(z_dim) times the median axis width.",
          "ours (scale-free form of the radius claim)", Density.RADIUS_RATIO_SCALED.path,
          Line(*RADIUS_BAND), _radius(True)),
    Claim("voids", "The z-points leave voids: their maps have more empty cells than a Gaussian's.",
          "ours (the blog: 'extended voids', no number)", Tsne.VOID_RATIO.at("median"),
          Line(VOID_RATIO), _voids),
    Claim("pca_one_dominant", "A PCA of raw z has one dominant component.",
          "'one dominant component', flat after about 10", Tsne.RAW_PCA_DOMINANCE.path,
          Line(DOMINANT_FACTOR), _dominant),
    Claim("filaments_one_dimensional",
          "The z-points lie on basically one-dimensional filaments: at some scale up to a tenth "
          "of the cloud their local dimension is at most 2.",
          "'thin, elongated and curved but basically one-dimensional filaments' (post II)",
          Tsne.DIMENSION_BY_SCALE.at("lowest", "z"), Line(at_most=FILAMENT_DIM), _filaments),
    Claim("projections_show_lines",
          "Plane projections show lines: the zoom squares' points are more line-like than a "
          "Gaussian's in the same squares.",
          "'we get lines for z-point projections onto multiple planes' (post II; the 0.8 is ours)",
          Tsne.FILAMENT_LINES.at("ratio"), Line(at_most=LINE_RATIO), _lines),
    Claim("pearson_diagonal", "After trimming and PCA the Pearson matrix is diagonal.",
          "'All off-diagonal values were smaller than 2.e-7'", Ellipses.PEARSON_MAX_OFFDIAG.path,
          Line(at_most=BLOG_PEARSON_OFFDIAG, strict=True), _number(".1e")),
    Claim("components_80pct", "About 120 PCA components carry 80 % of the variance.",
          f"about {BLOG_COMPONENTS_80} of {BLOG_Z_DIM}", Ellipses.COMPONENTS_80.path,
          _band(BLOG_COMPONENTS_80, COMPONENTS_TOLERANCE * BLOG_COMPONENTS_80), _components),
    Claim("components_80pct_share", "About 47 % of the axes are needed for 80 % of the variance.",
          "ours (scale-free form: 120 / 256 of the axes)", Ellipses.COMPONENTS_SHARE_80.path,
          _band(_BLOG_SHARE, COMPONENTS_TOLERANCE * _BLOG_SHARE), _components),
    Claim("ellipses_2sigma", "A 2-sigma ellipse of the Gaussian fits holds 70-90 % of the points.",
          "'between 70% and 90% of all data points, depending on the eccentricity'",
          Ellipses.FIT_INSIDE_2SIGMA.path, Line(*BLOG_2SIGMA_BAND), _fit_share(2)),
    Claim("ellipses_3sigma", "A 3-sigma ellipse of the Gaussian fits holds about 97 % of the points or more.",
          "'around 97% of all data points or more'", Ellipses.FIT_INSIDE_3SIGMA.path,
          Line(BLOG_3SIGMA_FROM), _fit_share(3)),
    Claim("ellipses_2sigma_bivariate",
          "The 2-sigma ellipses of the sample moments hold a bivariate normal's share.",
          f"ours (a bivariate normal: {BIVARIATE_2SIGMA:.1%})", Ellipses.INSIDE_2SIGMA.path,
          _band(BIVARIATE_2SIGMA, SHARE_2SIGMA_POINTS), _share),
    Claim("ellipses_3sigma_bivariate",
          "The 3-sigma ellipses of the sample moments hold a bivariate normal's share.",
          f"ours (a bivariate normal: {BIVARIATE_3SIGMA:.1%})", Ellipses.INSIDE_3SIGMA.path,
          _band(BIVARIATE_3SIGMA, SHARE_3SIGMA_POINTS), _share),
    Claim("vae_loss_falls", "Training lowers the VAE's loss.", "the loss falls",
          ExtraDense.VARIANTS.at("vae", "loss_last_epoch"),
          Line(at_most=ExtraDense.VARIANTS.at("vae", "loss_first_epoch"), strict=True),
          _loss(ExtraDense.VARIANTS.at("vae", "loss_first_epoch"))),
    Claim("extra_dense_halves_encoder",
          "The extra Dense layer shrinks the Encoder from 5.11 M to 2.88 M parameters.",
          f"{BLOG_ENCODER_M[0]} M -> {BLOG_ENCODER_M[1]} M", ExtraDense.ENCODER_RATIO.path,
          _band(BLOG_ENCODER_M[1] / BLOG_ENCODER_M[0], RATIO_TOLERANCE), _encoder),
    Claim("extra_dense_comparable_loss",
          "With and without the extra Dense layer the VAE reaches comparable validation loss.",
          "ours (the blog states no loss comparison)", ExtraDense.VAL_LOSS_GAP.path,
          Line(at_most=VAL_LOSS_REL), _val_gap),
    Claim("extra_dense_keeps_quality",
          "The extra Dense layer does not reduce the quality of faces from N(0, I).",
          "'no visible reduction of the quality'", ExtraDense.QUALITY_GAP.path,
          Line(-QUALITY_MARGIN), _quality),
    Claim("mvn_gives_faces",
          "Draws that keep the components' correlations (a multivariate normal) decode to faces "
          "far more often than draws within each component's interval or from N(0, I).",
          "per-component intervals 'not a sufficient restriction': the components 'must in "
          "addition fulfill correlation conditions'", Generation.MVN_PRECISION_MARGIN.path,
          Line(PRECISION_MARGIN), _mvn),
    Claim("gmm_at_least_mvn", "A Gaussian mixture does at least as well as one multivariate normal.",
          "the RAE paper (Ghosh et al. 2020)", Generation.GMM_FRECHET_RATIO.path,
          Line(at_most=GMM_FRECHET_SLACK), _gmm),
    Claim("attribute_arithmetic",
          "Adding an attribute vector (mean z with the attribute minus mean z without) adds the "
          "attribute: twice added, it raises a probe's probability of it by at least 0.25.",
          "ours (Foster, Generative Deep Learning, with CelebA's Smiling)",
          Factors.ATTRIBUTE_ARITHMETIC.at("rise_median"), Line(ARITHMETIC_RISE), _arithmetic),
    Claim("gaussian_from_factors", "Gaussian latent distributions come from Gaussian factors in the data.",
          "ours (the blog's open question)", Factors.GAUSSIAN_QUESTION.at("carried_share"),
          Line(CARRIED_SHARE), _carried),
    Claim("tiny_kl_like_ae", "A VAE with a tiny KL weight behaves like an AE.",
          "ours (the blog's next post)", VaeSpace.TINY_KL_WAY.at("worst"),
          Line(at_most=TINY_KL_SHARE), _tiny_kl),
)
