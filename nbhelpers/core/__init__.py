"""The bottom layer: what every other layer may import, and which imports nothing of the package.

- ``files``: atomic writes, JSON and .npy helpers, the chunked .npy writer;
- ``pixels``: the one pair of uint8 <-> float conversions;
- ``choices``: allowed values of parameters (losses, activations, splits, ...), defined once;
- ``display``: whether a widget frontend is attached, and inline display of figures.
"""
