"""Analysis of z-points: numpy, scipy, scikit-learn, openTSNE; never Keras or TensorFlow.

One concept per module: ``density`` (number densities and Gaussian fits), ``pca``, ``tsne``,
``planes``, ``correlation``, ``ellipses``, ``kde``, ``sampling``, ``metrics`` (realism of
generated faces), ``placement`` (where draws sit among real points), ``voids``, ``dimension``,
``normality``, ``factors``, ``scale``, ``subsets``.

The one convention every class here follows (tests/test_latent_convention.py checks it):

- **Estimators** are scikit-learn estimators (``BaseEstimator``): every setting, the seed
  included (``random_state``), is a parameter of ``__init__``; ``fit(data)`` checks the settings
  and the data, learns attributes whose names end in ``_`` (statistics of the fitted data
  included, as scikit-learn's ``PCA.explained_variance_``) and returns ``self``; the methods that
  use the fit take data and the quantity asked about (the n of ``sample(n)``, the n-sigma of
  ``fraction_inside(xy, n)``, the fact of ``trim(z, fact)``), never a setting or a seed. They are
  ``LatentDensity``, ``LatentPCA``, ``ConfidenceEllipses``, the ``Sampler`` family,
  ``PixelPCA``, ``RealismScorer`` and ``RealNeighbours``.
- **Measurements** are plain functions that return a frozen dataclass of what they measured
  (``void_share`` -> ``VoidShare``, ``probe_factors`` -> ``FactorProbe``, ``tsne`` ->
  ``TSNEResult``, ``dimension_by_scale`` -> ``DimensionByScale`` ...) or plain numbers and
  dicts; a result's methods only reshape what it holds (``record``, ``summary``, ``table``).
"""
