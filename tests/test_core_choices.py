import pytest

from nbhelpers.core.choices import LOSSES, check_choice, size_error


def test_size_rule_accepts_multiples_of_16_and_names_what_it_found():
    assert size_error(32) is None and size_error(96, 64) is None
    assert "found 40x40" in size_error(40) and "multiples of 16" in size_error(8)
    assert "found 32x36" in size_error(32, 36)
    assert size_error(24, n_down=3) is None


def test_check_choice_lists_the_allowed_values():
    check_choice("loss", "bce", LOSSES)
    with pytest.raises(ValueError, match=r"loss must be one of \('bce', 'mse'\), found 'l1'"):
        check_choice("loss", "l1", LOSSES)
