import pytest

from nbhelpers import config
from nbhelpers.config import ConfigError


def test_profiles_have_the_designed_shapes():
    smoke, default = config.load("smoke"), config.load("default")
    assert (smoke.image_size, smoke.n_images, smoke.z_dim, smoke.data_source) == (32, 2000, 32, "synthetic")
    assert (default.image_size, default.n_images, default.z_dim) == (96, 20_000, 256)


def test_celeba_profile_takes_every_image(tmp_path):
    cfg = config.load("celeba", data=tmp_path)
    assert cfg.n_images is None and cfg.data_source == "celeba" and cfg.image_size == 96


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
    with pytest.raises(ConfigError, match="needs data="):
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
