import numpy as np
import pytest

from nbhelpers import config
from nbhelpers.config import ConfigError


def test_profiles_have_the_designed_shapes():
    smoke, default = config.load("smoke"), config.load("default")
    assert (smoke.image_size, smoke.n_images, smoke.z_dim, smoke.data_source) == (32, 2000, 32, "synthetic")
    assert (default.image_size, default.n_images, default.z_dim) == (96, 20_000, 256)


def test_celeba_profile_takes_every_image(tmp_path):
    cfg = config.load("celeba", data=tmp_path)
    assert cfg.n_images is None and cfg.data_source == "photos" and cfg.image_size == 96


def test_unknown_profile_lists_allowed():
    with pytest.raises(ConfigError, match="unknown profile 'tiny'.*smoke, default, celeba"):
        config.load("tiny")


@pytest.mark.parametrize("size", [40, 8, 100])
def test_image_size_not_divisible_by_16(size):
    with pytest.raises(ConfigError, match=f"multiples of 16.*found {size}x{size}"):
        config.load("smoke", image_size=size)


def test_z_dim_below_two():
    with pytest.raises(ConfigError, match=r"z_dim must lie in \[2, 4,096\], found 1"):
        config.load("smoke", z_dim=1)


def test_missing_data_path():
    with pytest.raises(ConfigError, match="data path does not exist: '/no/such/celeba.zip'"):
        config.load("celeba", data="/no/such/celeba.zip")


def test_celeba_without_data_says_how_to_give_it():
    with pytest.raises(ConfigError, match="photos need data="):
        config.load("celeba")


def test_unknown_override_lists_allowed_names():
    with pytest.raises(ConfigError, match=r"unknown parameter\(s\) \['epoch'\].*epochs"):
        config.load("smoke", epoch=3)


def test_all_problems_reported_at_once():
    with pytest.raises(ConfigError) as err:
        config.load("smoke", z_dim=0, image_size=30, gmm_max_points=2)
    assert "z_dim" in str(err.value) and "image_size" in str(err.value)
    assert "gmm_max_points must be at least gmm_components (3), found 2" in str(err.value)


def test_cli_strings_are_coerced():
    cfg = config.load("smoke", **config.parse_assignments(
        ["epochs=5", "learning_rate=0.01", "batch_norm=yes", "tsne_sizes=100,200", "n_images=all"]))
    assert cfg.epochs == 5 and cfg.learning_rate == 0.01 and cfg.batch_norm is True
    assert cfg.tsne_sizes == (100, 200) and cfg.n_images is None


def test_bad_type_names_expected_and_found():
    with pytest.raises(ConfigError, match="parameter 'epochs': expected int, found 'many'"):
        config.load("smoke", epochs="many")


def test_profile_is_frozen():
    cfg = config.load("smoke")
    with pytest.raises(AttributeError):
        cfg.z_dim = 3


@pytest.mark.parametrize("name,value,message", [
    ("learning_rate", float("nan"), "learning_rate must lie in (0, 1], found nan"),
    ("learning_rate", -1e-3, "learning_rate must lie in (0, 1], found -0.001"),
    ("trim_fact", 0.0, "trim_fact must lie in (0, 100], found 0.0"),
    ("perplexity", "nan", "perplexity must lie in [1, 1,000], found nan"),
    ("confine_sigma", "inf", "confine_sigma must lie in (0, 100], found inf"),
    ("tsne_sizes", "0", "every element of tsne_sizes must lie in [10, 10,000,000], found 0"),
    ("pca_pairs_max", 0, "pca_pairs_max must lie in [1, 4,096], found 0"),
    ("seed", -1, "seed must lie in [0, 4,294,967,295], found -1"),
    ("image_size", 1_000_000, "image_size must lie in [16, 1,024], found 1000000"),
])
def test_values_out_of_range_are_refused_with_the_range(name, value, message):
    with pytest.raises(ConfigError) as err:
        config.load("smoke", **{name: value})
    assert message in str(err.value)


def test_every_numeric_field_carries_its_range():
    import dataclasses

    numeric = [f for f in dataclasses.fields(config.Profile)
               if config.TYPES[f.name] in (int, float, int | None, tuple[int, ...], tuple[float, ...])]
    assert len(numeric) >= 20
    assert [f.name for f in numeric if "range" not in f.metadata] == []


def test_celeba_profile_carries_the_blogs_settings_item_by_item(tmp_path):
    """Issue 14's list, read from the posts (../shared/seeds): every setting of the celeba profile
    that reproduces one of the blog's experiments, widths as fractions of the axis FWHM of 2."""
    from nbhelpers.latent.scale import BLOG_AXIS_FWHM
    from nbhelpers.steps.projections import tsne_jobs

    c = config.load("celeba", data=tmp_path)
    # post II: bins of 0.25 per axis, 0.5 and 0.05 per radius
    assert c.bin_fraction == 0.25 / BLOG_AXIS_FWHM
    assert c.radius_bin_fractions == (0.5 / BLOG_AXIS_FWHM, 0.05 / BLOG_AXIS_FWHM)
    # t-SNE: 20,000 points at perplexity 10, early exaggeration 16, 1,000 iterations; then 80,000
    # and 165,000 at the standard settings (scikit-learn's: perplexity 30, exaggeration 12)
    jobs = tsne_jobs(c)
    assert [(j.n, j.pca_components, j.perplexity, j.early_exaggeration, j.n_iter) for j in jobs] == [
        (20_000, None, 10.0, 16.0, 1_000), (80_000, None, 30.0, 12.0, 1_000),
        (165_000, None, 30.0, 12.0, 1_000),
        # after PCA: 2 components at 80,000 and 165,000 points, 4 and 10 at 165,000
        (80_000, 2, 30.0, 12.0, 1_000), (165_000, 2, 30.0, 12.0, 1_000),
        (165_000, 4, 30.0, 12.0, 1_000), (165_000, 10, 30.0, 12.0, 1_000)]
    # planes (0, 1), (0, 17) ("the first and the 18th axes"), (7, 34) ("the 8th and the 35th"); the
    # ladder: side 5, a further zoom (unstated: ours, 1) and the square from -0.25 to 0.25
    assert c.zoom_planes == (0, 1, 0, 17, 7, 34)
    assert c.zoom_fractions == (5 / BLOG_AXIS_FWHM, 1 / BLOG_AXIS_FWHM, 0.5 / BLOG_AXIS_FWHM)
    # post IX: facts 1.35 ... 1.8 for pair (2, 3), trimming at 1.7, PCA on 80,000 survivors, bins
    # of 0.5 per component, 120 components, scatters of 10,000 and shares on 50,000 points
    assert c.ellipse_facts == (1.35, 1.45, 1.55, 1.7, 1.8) and c.trim_fact == 1.7
    assert c.pca_max_points == 80_000 and c.component_bin_fraction == 0.5 / BLOG_AXIS_FWHM
    assert c.pca_pairs_max == 120 and c.scatter_points == 10_000 and c.share_points == 50_000
    # VAE XII: batch sizes 128 and 256 timed over whole epochs, z_dim 256
    assert c.timing_batch_sizes == (128, 256) and c.z_dim == 256 and c.image_size == 96
    assert c.timing_images is None
    # posts II/VIII: "170,000" training images: 170,000 of CelebA's 182,637 train and val images
    assert c.split == "train+val" and c.train_images == 170_000


def test_the_celeba_split_trains_on_170000_of_182637_images():
    from nbhelpers.data import split_indices

    train, val = split_indices(182_637, 0.1, seed=0, n_train=170_000)
    assert (len(train), len(val)) == (170_000, 12_637)
    assert len(np.union1d(train, val)) == 182_637
    # fewer images than train_images (a partial CelebA): the share decides
    train, val = split_indices(1_000, 0.1, seed=0, n_train=170_000)
    assert (len(train), len(val)) == (900, 100)


def test_paired_t_sne_settings_and_planes_must_match():
    with pytest.raises(ConfigError, match="pair up run by run: found 2 sizes and 4"):
        config.load("smoke", tsne_pca_sizes=(100, 200))
    with pytest.raises(ConfigError, match="pairs of PCA axes, found 3 values"):
        config.load("smoke", zoom_planes=(0, 1, 2))


def test_data_takes_photos_with_every_profile(tmp_path):
    for profile in ("smoke", "default", "celeba"):
        cfg = config.load(profile, data=tmp_path)
        assert cfg.data_source == "photos" and cfg.data == str(tmp_path)
    assert config.load("smoke", data=tmp_path, data_source="celeba").data_source == "photos"
    with pytest.raises(ConfigError, match="data_source 'synthetic' draws its own faces"):
        config.load("smoke", data=tmp_path, data_source="synthetic")


def test_labels_go_with_photos_and_must_exist(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("file,x\n")
    assert config.load("smoke", data=tmp_path, labels=labels).labels == str(labels)
    with pytest.raises(ConfigError, match="they go with data="):
        config.load("smoke", labels=labels)
    with pytest.raises(ConfigError, match="labels file does not exist: '/no/labels.csv'"):
        config.load("smoke", data=tmp_path, labels="/no/labels.csv")


def test_a_platforms_photos_are_the_default_data(tmp_path, monkeypatch):
    """On Kaggle the setup finds CelebA and names it in NBHELPERS_DATA: a notebook whose data
    parameter is None runs on it; an explicit data wins."""
    monkeypatch.setenv("NBHELPERS_DATA", str(tmp_path))
    assert config.load("smoke").data == str(tmp_path)
    assert config.load("smoke").data_source == "photos"
    other = tmp_path / "other"
    other.mkdir()
    assert config.load("smoke", data=other).data == str(other)
    monkeypatch.delenv("NBHELPERS_DATA")
    assert config.load("smoke").data is None
