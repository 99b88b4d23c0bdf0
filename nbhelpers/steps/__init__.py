"""The series' steps: the only code that takes a Profile and a RunDir.

Each module is one step or topic of the notebook series, named apart from the library modules
it calls: ``session`` opens and closes a notebook; ``dataset`` (the images or photos a run uses,
their labels), ``training``, ``encoding`` (01); ``number_density`` (02); ``projections`` (t-SNE
maps, raw PCA, plane projections) and ``filaments`` (their dimension) (03); ``pca_study`` (04);
``extra_dense`` (05); ``generation`` (06); ``ground_truth`` (07); ``vae_latent_space`` (08);
``judge`` (the realism judge of 05, 06 and 08, fitted once per run); ``external`` (z-points from
elsewhere); ``artifacts`` (models in the run, each notebook's inputs). No step imports another
for a constant: the run's file names are ``store.Files``, the recorded keys ``keys``.
A step reads what it needs from the run directory, calls the libraries below (``data``, ``models``,
``latent``), where the numbers are computed, records them and returns result objects; the notebook
hands the same objects to ``plots``, so every recorded number and its figure come from one
computation.
"""
