"""Analysis of z-points: numpy, scipy, scikit-learn, openTSNE; never Keras or TensorFlow.

One concept per module: ``density`` (number densities and Gaussian fits), ``pca``, ``tsne``,
``planes``, ``correlation``, ``ellipses``, ``kde``, ``sampling``, ``metrics``, ``subsets``.
"""
