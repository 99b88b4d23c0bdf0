"""Image data: built-in synthetic faces, CelebA, uint8 caches read in batches.

Nothing here knows about runs or profiles: the series' data step (``nbhelpers.steps.dataset``)
decides which cache a run uses and names it in the run directory.
"""

from .cache import Dataset, open_labelled, synthetic_cache
from .images import images_for_training, open_cache, read_rows, split_indices
from .synthfaces import FACTORS, draw_factors, make_faces

__all__ = ["Dataset", "open_labelled", "synthetic_cache", "make_faces", "draw_factors", "FACTORS",
           "images_for_training", "open_cache", "read_rows", "split_indices"]
