"""Every value the notebook series records, declared once.

A ``Key`` names one entry of a notebook's section of results.json: its notebook, its name, its
unit, one line of what it means, and the functions that compute it. Steps record through the
declared objects (``run.record(keys.Density.RADIUS_RATIO, value)``), claims read them
(``claims.py``) and the baseline compares them (``baseline.COMPARED``), so the string of a key
is written here and nowhere else: renaming one renames it everywhere, and a key that is not
declared is refused the moment a notebook records it (``store.RunDir.record``), not reported as
"not measured" at the end of a run. ``docs/results_keys.md`` is generated from this module
(``tools/key_table.py``; ``tests/test_keys.py`` checks it is current).

``Key.at("a", "b")`` is the path of a value inside a key's record ("notebook/key/a/b"), the form
claims and the baseline address nested values in.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY = "*"  # a key every notebook of the series may record


@dataclass(frozen=True)
class Key:
    notebook: str
    name: str
    unit: str
    meaning: str
    computed_by: tuple[str, ...] = ()
    only_sometimes: bool = False  # recorded by some runs only (a widened trim, a skipped study)

    @property
    def path(self) -> str:
        """"notebook/name": where the value sits in results.json."""
        return f"{self.notebook}/{self.name}"

    def at(self, *parts: str) -> str:
        """The path of a value inside this key's record."""
        return "/".join((self.path, *map(str, parts)))

    def __str__(self) -> str:
        return self.name


def _k(notebook: str, name: str, unit: str, meaning: str, *computed_by: str,
       only_sometimes: bool = False) -> Key:
    return Key(notebook, name, unit, meaning, computed_by, only_sometimes)


class Shared:
    """Keys any notebook of the series records."""

    RESOURCES = _k(ANY, "resources", "GB", "RSS now and at its peak, system RAM, VRAM per GPU at "
                   "the notebook's end", "resources.snapshot")
    MEMORY_CYCLES = _k(ANY, "memory_cycles", "GB", "process RSS before and after each clear-and-"
                       "collect between models (the Colab cycle)", "resources.MemoryCycles",
                       only_sometimes=True)
    SKIPPED = _k(ANY, "skipped", "text", "why the notebook was left out of this run",
                 only_sometimes=True)
    SELF_CHECKS = _k(ANY, "self_checks", "mixed", "the notebook's numerical functions on planted "
                     "inputs with a known answer; compared with baselines/self_checks.json at "
                     "numerical precision (regression.self_check_departures)", "selfcheck.run",
                     only_sometimes=True)


class Training:
    """01_autoencoder_training."""

    NB = "01_autoencoder_training"
    PARAMS = _k(NB, "params", "count", "trainable parameters of the AE's Encoder and Decoder",
                "models.conv.build_encoder", "models.conv.build_decoder")
    LOSS_FIRST = _k(NB, "loss_first_epoch", "loss per pixel", "training loss of the first "
                    "epoch", "models.fit.fit")
    LOSS_LAST = _k(NB, "loss_last_epoch", "loss per pixel", "training loss of the last epoch",
                   "models.fit.fit")
    VAL_LOSS_LAST = _k(NB, "val_loss_last_epoch", "loss per pixel", "validation loss of the "
                       "last epoch", "models.fit.fit")
    SECONDS_PER_EPOCH = _k(NB, "seconds_per_epoch", "s", "mean wall time of an epoch of this "
                           "session", "models.fit.fit")
    SECONDS_NOTE = _k(NB, "seconds_per_epoch_note", "text", "why there is no epoch time (a "
                      "training resumed after its last epoch)", only_sometimes=True)
    EPOCHS = _k(NB, "epochs", "count", "epochs trained", "models.fit.fit")
    RECONSTRUCTION = _k(NB, "reconstruction", "loss per pixel, share", "the AE's loss on held-"
                        "out faces against the mean face's and the floor, the share of the "
                        "mean face's excess it leaves, and the share of reconstructions "
                        "nearest their own photo", "models.quality.reconstruction_quality")
    Z_SHAPE = _k(NB, "z_shape", "count", "z-points encoded x z_dim",
                 "models.predict.encode_batches")


class Density:
    """02_latent_number_density (and the VAE's density in 08, under ``vae_density``)."""

    NB = "02_latent_number_density"
    _BY = ("latent.scale.axis_spread", "latent.density.LatentDensity")
    BIN_WIDTHS = _k(NB, "bin_widths", "z units", "the blog's bin widths scaled to z's spread "
                    "(median axis FWHM) and that spread", *_BY, "latent.scale.widths")
    Z_DIM = _k(NB, "z_dim", "count", "latent dimensions", *_BY)
    FIT_R2_MEDIAN = _k(NB, "fit_r2_median", "R^2", "median over the axes of the Gaussian fit's "
                       "R^2 to the axis' number density", *_BY)
    SIGMA_MEDIAN = _k(NB, "sigma_median", "z units", "median over the axes of the fitted "
                      "Gaussian's sigma", *_BY)
    SIGMA_QUANTILES = _k(NB, "sigma_quantiles", "z units", "10 %, 50 % and 90 % quantiles over "
                         "the axes of the fitted sigma", *_BY)
    FWHM_QUANTILES = _k(NB, "fwhm_quantiles", "z units", "10 %, 50 % and 90 % quantiles over "
                        "the axes of the fitted FWHM (2.3548 x the fitted sigma; axis_spread's "
                        "FWHM from the quartiles only sets the bin widths)",
                        "latent.density.LatentDensity", "latent.scale.axis_spread")
    ABS_CENTER_QUANTILES = _k(NB, "abs_center_quantiles", "z units", "10 %, 50 % and 90 % "
                              "quantiles over the axes of the fitted centre's distance from 0",
                              *_BY)
    OFF_CENTRE_COUNT = _k(NB, "off_centre_count", "count", "axes whose fitted centre lies more "
                          "than one median sigma from 0", *_BY)
    BROAD_COUNT = _k(NB, "broad_count", "count", "axes whose sigma exceeds 1.5 median sigmas",
                     *_BY)
    OFF_CENTRE_SHARE = _k(NB, "off_centre_share", "share", "off-centre axes / z_dim", *_BY)
    BROAD_SHARE = _k(NB, "broad_share", "share", "broad axes / z_dim", *_BY)
    UNUSUAL_COUNT = _k(NB, "unusual_count", "count", "axes that are broad or off-centre (or "
                       "both)", *_BY)
    UNUSUAL_SHARE = _k(NB, "unusual_share", "share", "broad or off-centre axes / z_dim", *_BY)
    RADIUS_PEAK = _k(NB, "radius_peak", "z units", "radius where the radial number density "
                     "peaks: the centre of a Gaussian fitted to the coarse radius histogram",
                     *_BY)
    RADIUS_EXPECTED = _k(NB, "radius_expected", "z units", "sqrt(z_dim): the peak of unit "
                         "Gaussians", *_BY)
    RADIUS_RATIO = _k(NB, "radius_ratio", "ratio", "radius peak / sqrt(z_dim)", *_BY)
    RADIUS_RATIO_SCALED = _k(NB, "radius_ratio_scaled", "ratio", "radius peak / (sqrt(z_dim) x "
                             "median sigma)", *_BY)
    RADIUS_RANGE = _k(NB, "radius_range", "z units", "smallest and largest radius, and the "
                      "0.1 % and 99.9 % quantiles", *_BY)
    UNUSUAL_AXES = _k(NB, "unusual_axes", "z units", "the broad or off-centre axes: index, "
                      "centre, FWHM, sigma, R^2", *_BY)


class Tsne:
    """03_tsne_filaments."""

    NB = "03_tsne_filaments"
    TSNE_RUNS = _k(NB, "tsne_runs", "mixed", "each t-SNE map's settings, KL, seconds and void "
                   "share against its Gaussian reference", "latent.tsne.tsne",
                   "latent.voids.void_share")
    TSNE_MAP = _k(NB, "tsne_map", "mixed", "size and requested t-SNE settings of the largest "
                  "raw-z map of at most 20,000 points (MAP_MAX_POINTS), the one notebook 06 "
                  "places draws on (rows and coordinates: latent/tsne_map_*.npy; the settings "
                  "openTSNE used: its row of tsne_runs)",
                  "latent.tsne.tsne")
    RAW_PCA_VARIANCE = _k(NB, "raw_pca_variance", "share", "variance share of the first PCA "
                          "components of raw z", "latent.pca.LatentPCA")
    RAW_PCA_DOMINANCE = _k(NB, "raw_pca_dominance", "ratio", "variance share of component 0 "
                           "/ component 1", "latent.pca.LatentPCA")
    PLANE_VOIDS = _k(NB, "plane_voids", "ratio", "void share of each plane projection against "
                     "its Gaussian reference", "latent.voids.void_share")
    VOID_RATIO = _k(NB, "void_ratio", "ratio", "median, min and max of the void ratios over "
                    "the t-SNE maps and planes", "latent.voids.ratio_summary")
    ZOOM_LADDER = _k(NB, "zoom_ladder", "z units, count", "each plane's zoom squares: side and "
                     "points inside", "latent.planes.zoom_panels")
    INTRINSIC_DIMENSION = _k(NB, "intrinsic_dimension", "dimension", "global intrinsic "
                             "dimension estimates of z and its Gaussian reference",
                             "latent.dimension.intrinsic_dimension")
    DIMENSION_BY_SCALE = _k(NB, "dimension_by_scale", "dimension", "local dimension from 5 "
                            "neighbours to the whole cloud, lowest up to a tenth of it",
                            "latent.dimension.dimension_by_scale")
    FILAMENT_LINES = _k(NB, "filament_lines", "ratio", "how line-like the zoom squares' points "
                        "are against a Gaussian's in the same squares",
                        "latent.planes.square_flatness")


class Ellipses:
    """04_pca_ellipses."""

    NB = "04_pca_ellipses"
    SURVIVORS_BY_FACT = _k(NB, "survivors_by_fact", "count", "z-points kept by trimming at "
                           "each fact", "latent.density.LatentDensity.trim")
    COMPONENTS_80 = _k(NB, "components_for_80pct", "count", "PCA components of the trimmed "
                       "points that carry 80 % of the variance", "latent.pca.pca_after_trim")
    COMPONENTS_SHARE_80 = _k(NB, "components_share_80pct", "share", "those components / "
                             "z_dim", "latent.pca.pca_after_trim")
    PEARSON_MAX_OFFDIAG = _k(NB, "pearson_max_offdiag", "correlation", "largest off-diagonal "
                             "Pearson coefficient of the PCA components",
                             "latent.correlation.pearson_check")
    PEARSON_MAX_DIAG_DEVIATION = _k(NB, "pearson_max_diag_deviation", "correlation", "largest "
                                    "distance of a diagonal coefficient from 1",
                                    "latent.correlation.pearson_check")
    SURVIVORS = _k(NB, "survivors", "count", "z-points kept at the trimming fact",
                   "latent.pca.pca_after_trim")
    PCA_POINTS = _k(NB, "pca_points", "count", "survivors the PCA was fitted on",
                    "latent.pca.pca_after_trim")
    TRIM_FACT_USED = _k(NB, "trim_fact_used", "FWHM", "the trimming fact used",
                        "latent.density.LatentDensity.fact_keeping")
    TRIM_NOTE = _k(NB, "trim_note", "text", "why the trimming fact was widened",
                   only_sometimes=True)
    COMPONENT_BIN_WIDTH = _k(NB, "component_bin_width", "z units", "bin width of the PCA "
                             "components' densities", "latent.scale.widths")
    COMPONENT_FITS = _k(NB, "component_fits", "z units", "Gaussian fits of components 0-9",
                        "latent.density.LatentDensity")
    ELLIPSE_PAIRS = _k(NB, "ellipse_pairs", "share", "per pair of components: the shares inside "
                       "the 2- and 3-sigma ellipses", "latent.ellipses.ellipse_panels")
    INSIDE_2SIGMA = _k(NB, "inside_2sigma", "share", "mean share inside the sample-moment "
                       "2-sigma ellipses", "latent.ellipses.mean_inside")
    INSIDE_3SIGMA = _k(NB, "inside_3sigma", "share", "mean share inside the sample-moment "
                       "3-sigma ellipses", "latent.ellipses.mean_inside")
    FIT_INSIDE_2SIGMA = _k(NB, "fit_inside_2sigma", "share", "mean share inside the 2-sigma "
                           "ellipses of the Gaussian fits (the blog's)",
                           "latent.ellipses.mean_inside")
    FIT_INSIDE_3SIGMA = _k(NB, "fit_inside_3sigma", "share", "mean share inside the 3-sigma "
                           "ellipses of the Gaussian fits", "latent.ellipses.mean_inside")
    ELLIPSE_SHARE_POINTS = _k(NB, "ellipse_share_points", "count", "points the shares are "
                              "measured on", "latent.ellipses.ellipse_panels")
    DENSE_SCATTER = _k(NB, "dense_scatter", "share", "3-sigma shares over the dense scatter",
                       "latent.ellipses.ellipse_panels")
    ELLIPSES_BY_FACT = _k(NB, "ellipses_by_fact", "share", "pair (2, 3) at the blog's facts",
                          "latent.ellipses.ellipse_panels")
    TOP_CORRELATED_AXES = _k(NB, "top_correlated_axes", "correlation", "the most correlated "
                             "pairs of original axes and their shares",
                             "latent.correlation.top_correlated_pairs")
    ORIGINAL_FIT_INSIDE_2SIGMA = _k(NB, "original_fit_inside_2sigma", "share", "the same "
                                    "shares on those original-axis pairs",
                                    "latent.ellipses.mean_inside")
    ORIGINAL_FIT_INSIDE_3SIGMA = _k(NB, "original_fit_inside_3sigma", "share", "the same at 3 "
                                    "sigma", "latent.ellipses.mean_inside")


class ExtraDense:
    """05_vae_extra_dense_layer."""

    NB = "05_vae_extra_dense_layer"
    ENCODER_PARAMS = _k(NB, "encoder_params", "count", "VAE Encoder parameters at 96x96 for "
                        "each variant", "models.conv.parameter_table")
    DECODER_PARAMS = _k(NB, "decoder_params", "count", "VAE Decoder parameters at 96x96",
                        "models.conv.parameter_table")
    ENCODER_RATIO = _k(NB, "encoder_ratio", "ratio", "Encoder with the extra Dense layer / "
                       "without", "models.conv.parameter_table")
    VARIANTS = _k(NB, "variants", "loss", "each trained variant's losses, time and Encoder size",
                  "models.fit.fit")
    VAL_LOSS_GAP = _k(NB, "val_loss_gap", "share", "relative gap of the variants' validation "
                      "losses", "models.fit.fit")
    VARIANT_MEMORY = _k(NB, "variant_memory", "bytes", "weights and optimizer state per "
                        "variant", "models.fit.state_bytes")
    GPU_ALLOCATOR_PEAK = _k(NB, "gpu_allocator_peak", "bytes", "the GPU allocator's peak (or "
                            "why none)", "resources.snapshot")
    EPOCH_SECONDS = _k(NB, "epoch_seconds_by_batch", "s", "seconds per epoch at each batch "
                       "size", "models.fit.timed_epoch")
    NORMAL_FACES_REALISM = _k(NB, "normal_faces_realism", "share", "realism of each variant's "
                              "faces from N(0, I)", "latent.metrics.RealismScorer")
    QUALITY_GAP = _k(NB, "quality_gap", "share", "precision with the extra layer minus "
                     "without", "latent.metrics.RealismScorer")
    Z_VAE_SHAPE = _k(NB, "z_vae_shape", "count", "mu encoded x z_dim",
                     "models.predict.encode_batches")


class Generation:
    """06_face_generation."""

    NB = "06_face_generation"
    REALISM = _k(NB, "realism", "share, distance", "precision, recall, density, coverage, "
                 "Frechet distance of each sampler's faces, reconstructions, real faces and "
                 "noise", "latent.metrics.RealismScorer", "latent.sampling")
    MVN_PRECISION_MARGIN = _k(NB, "mvn_precision_margin", "share", "MVN precision minus the best "
                              "naive sampler's", "latent.metrics.sampler_margins")
    BEST_NAIVE = _k(NB, "best_naive", "name", "the naive sampler with the highest precision",
                    "latent.metrics.sampler_margins")
    BEST_NAIVE_PRECISION = _k(NB, "best_naive_precision", "share", "its precision",
                              "latent.metrics.sampler_margins")
    GMM_FRECHET_RATIO = _k(NB, "gmm_frechet_ratio", "ratio", "Frechet distance of the mixture "
                           "/ the MVN's", "latent.metrics.sampler_margins")
    TSNE_PLACEMENTS = _k(NB, "tsne_placements", "share, ratio", "where each sampler's draws "
                         "land on 03's map and how far from the real z-points",
                         "latent.tsne.place", "latent.placement.RealNeighbours")


class Factors:
    """07_ground_truth_factors."""

    NB = "07_ground_truth_factors"
    _PROBE = ("latent.factors.probe_factors",)
    PROBE_AE = _k(NB, "probe_ae", "R^2, AUC", "linear probes, DCI and MIG of the AE's z", *_PROBE)
    PROBE_VAE = _k(NB, "probe_vae", "R^2, AUC", "the same for the VAE's mu", *_PROBE)
    PROBE_Z = _k(NB, "probe_z", "R^2, AUC", "the same for external z-points", *_PROBE,
                 only_sometimes=True)
    ATTRIBUTE_ARITHMETIC = _k(NB, "attribute_arithmetic", "probability", "a probe's "
                              "probability of each attribute on decoded faces along its vector",
                              "latent.attributes.attribute_direction")
    GAUSSIAN_QUESTION = _k(NB, "gaussian_question", "KS, kurtosis", "Gaussianity of z, PCA "
                           "components and factors for AEs on normal and uniform factors",
                           "latent.normality.gaussianity", "latent.normality.carried_share")


class VaeSpace:
    """08_vae_latent_space."""

    NB = "08_vae_latent_space"
    VAE_DENSITY = _k(NB, "vae_density", "z units", "notebook 02's densities of the VAE's mu",
                     "latent.density.LatentDensity")
    VAE_VOIDS = _k(NB, "vae_voids", "ratio", "void ratios of mu's t-SNE map and PCA plane",
                   "latent.voids.void_share")
    VAE_INSIDE_2SIGMA = _k(NB, "vae_inside_2sigma", "share", "mean share inside the 2-sigma "
                           "ellipses of mu's PCA pairs", "latent.ellipses.mean_inside")
    VAE_INSIDE_3SIGMA = _k(NB, "vae_inside_3sigma", "share", "the same at 3 sigma",
                           "latent.ellipses.mean_inside")
    KL_SWEEP = _k(NB, "kl_sweep", "z units, share", "per KL weight: losses, radius peak, "
                  "precision of faces from N(0, I)", "models.fit.fit", "latent.density")
    TINY_KL_WAY = _k(NB, "tiny_kl_way", "share", "how far the tiny weight lies on the way from "
                     "weight 0 to the large weight", "latent.metrics.tiny_kl_way")


GROUPS = (Shared, Training, Density, Tsne, Ellipses, ExtraDense, Generation, Factors, VaeSpace)
NOTEBOOKS = tuple(g.NB for g in GROUPS if hasattr(g, "NB"))


def _collect() -> dict[tuple[str, str], Key]:
    out: dict[tuple[str, str], Key] = {}
    for group in GROUPS:
        for attr, key in vars(group).items():
            if isinstance(key, Key):
                if (key.notebook, key.name) in out:
                    raise ValueError(f"key {key.path} is declared twice ({group.__name__}.{attr})")
                out[(key.notebook, key.name)] = key
    return out


REGISTRY = _collect()


class UndeclaredKey(KeyError):
    """A notebook of the series recorded a key nbhelpers.keys does not declare."""


def declared(notebook: str, name: str) -> Key:
    """The declared key ``name`` of ``notebook`` (or one any notebook records); UndeclaredKey
    naming the notebook's declared keys otherwise."""
    key = REGISTRY.get((notebook, name)) or REGISTRY.get((ANY, name))
    if key is None:
        own = sorted(n for nb, n in REGISTRY if nb in (notebook, ANY))
        raise UndeclaredKey(f"{notebook} records {name!r}, which nbhelpers/keys.py does not "
                            f"declare; declared for it: {own}")
    return key


def keys_of(notebook: str) -> list[Key]:
    """The keys a notebook records, its own and those any notebook records."""
    return [k for k in REGISTRY.values() if k.notebook in (notebook, ANY)]
