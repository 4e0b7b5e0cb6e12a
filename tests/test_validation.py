"""The validators of gmmlib._validate: what they accept, what they refuse, and what they say."""
import fractions
import re

import numpy as np
import pytest

from gmmlib._validate import (InputTypeError, as_data, as_weights, validate_array, validate_bool,
                            validate_callable, validate_float, validate_frame, validate_frame_values,
                            validate_image, validate_int, validate_options, validate_path,
                            validate_random_state, show)


# ---------------------------------------------------------------- the error class

def test_input_type_error_is_both_a_type_error_and_a_value_error():
    with pytest.raises(TypeError):
        validate_float("x", "tol")
    with pytest.raises(ValueError):
        validate_float("x", "tol")


# ---------------------------------------------------------------- validate_float

@pytest.mark.parametrize("value, expected", [
    (0.5, 0.5), (1, 1.0), (np.float32(0.25), 0.25), (np.int64(1), 1.0), (np.array(0.5), 0.5),
    (fractions.Fraction(1, 4), 0.25), (np.float16(0.5), 0.5)])
def test_check_float_accepts_real_numbers_and_returns_a_python_float(value, expected):
    got = validate_float(value, "alpha", "(0, 1]")
    assert got == expected and type(got) is float


@pytest.mark.parametrize("interval, words, inside, outside", [
    ("(0, 1]", "a number in (0, 1]", [1e-300, 0.5, 1.0], [0.0, -0.1, 1.0000001]),
    ("[0, 1)", "a number in [0, 1)", [0.0, 0.999], [1.0, -1e-300]),
    ("[0, inf)", "a number >= 0", [0.0, 1e300], [np.inf, -1.0]),
    ("(0, inf)", "a number > 0", [1e-300, 1e300], [np.inf, 0.0]),
    ("[0, inf]", "a number >= 0 (or inf)", [0.0, np.inf], [-np.inf, -1e-9]),
    ("(-inf, 5]", "a number <= 5", [-1e300, 5.0], [-np.inf, 5.5]),
    ("(-inf, inf)", "a finite number", [-1e300, 0.0, 1e300], [np.inf, -np.inf]),
])
def test_check_float_honours_open_and_closed_ends(interval, words, inside, outside):
    for x in inside:
        assert validate_float(x, "v", interval) == x
    for x in outside:
        with pytest.raises(ValueError, match=rf"^v must be {re.escape(words)}, got"):
            validate_float(x, "v", interval)


def test_expected_replaces_the_words_of_the_interval():
    with pytest.raises(ValueError, match=r"^stop_fraction must be in \[0, 1\], got 1.5$"):
        validate_float(1.5, "stop_fraction", "[0, 1]", expected="in [0, 1]")
    with pytest.raises(ValueError, match=r"^n_frames must be a positive integer, got 0$"):
        validate_int(0, "n_frames", "[1, inf)", expected="a positive integer")


@pytest.mark.parametrize("bad", [True, np.bool_(False), "0.1", None, [0.1], (0.1,), {"a": 1},
                                 1 + 2j, np.array([0.1]), object()])
def test_check_float_refuses_what_is_not_a_real_number_with_a_type_error(bad):
    with pytest.raises(InputTypeError, match=r"^tol must be a number >= 0, got .*usual"):
        validate_float(bad, "tol", "[0, inf)", hint="1e-4 is usual")


def test_check_float_never_allows_nan_and_names_value_and_range():
    with pytest.raises(ValueError, match=r"reg_covar must be a number >= 0, got nan"):
        validate_float(float("nan"), "reg_covar", "[0, inf)")


def test_check_float_says_when_an_integer_is_too_large_for_a_float():
    with pytest.raises(ValueError, match="too large for a float"):
        validate_float(10 ** 400, "alpha", "(0, 1]")


def test_check_float_none_only_where_allowed():
    assert validate_float(None, "tol", "[0, inf)", allow_none=True) is None
    with pytest.raises(InputTypeError, match="or None"):
        validate_float("x", "tol", "[0, inf)", allow_none=True)
    with pytest.raises(InputTypeError, match="got None"):
        validate_float(None, "tol", "[0, inf)")


def test_a_malformed_interval_is_a_programming_error():
    with pytest.raises(ValueError, match="bad interval"):
        validate_float(1.0, "x", "0..1")


# ---------------------------------------------------------------- validate_int

@pytest.mark.parametrize("value", [1, np.int8(1), np.uint64(7), np.array(3), 10 ** 400])
def test_check_int_accepts_whole_numbers_and_returns_a_python_int(value):
    got = validate_int(value, "n", "[1, inf)")
    assert got == int(value) and type(got) is int


@pytest.mark.parametrize("bad, fix", [(3.0, "got 3.0; pass 3"), (np.float64(2.0), "got .*; pass 2"),
                                      (2.5, "got 2.5"), (True, "got True"), ("3", "got '3'"),
                                      (None, "got None"), ([3], r"got \[3\]"),
                                      (float("inf"), "got inf"), (float("nan"), "got nan")])
def test_check_int_refuses_non_integers_and_shows_the_fix(bad, fix):
    with pytest.raises(InputTypeError, match=rf"^n_init must be a whole number in \[1, 100\], {fix}"):
        validate_int(bad, "n_init", "[1, 100]")


@pytest.mark.parametrize("bad", [0, -3, 101, 10 ** 400])
def test_check_int_refuses_out_of_range_values(bad):
    with pytest.raises(ValueError, match=rf"n_objects must be a whole number in \[1, 100\], got {str(bad)[:9]}"):
        validate_int(bad, "n_objects", "[1, 100]")


def test_check_int_none_only_where_allowed():
    assert validate_int(None, "max_frames", allow_none=True) is None
    with pytest.raises(InputTypeError):
        validate_int(None, "max_frames")


# ---------------------------------------------------------------- bool, options, callables

def test_check_bool():
    assert validate_bool(np.bool_(True), "whiten") is True
    for bad in (1, 0, "True", None, np.array([True])):
        with pytest.raises(InputTypeError, match="whiten must be True or False"):
            validate_bool(bad, "whiten")


def test_check_options_suggests_the_closest_option():
    assert validate_options("kmeans", "init", ("kmeans", "equal-range")) == "kmeans"
    with pytest.raises(ValueError, match="did you mean 'kmeans'"):
        validate_options("k-means", "init", ("kmeans", "equal-range"))
    with pytest.raises(ValueError, match=r"init must be one of \('kmeans', 'equal-range'\), got 'zzz'"):
        validate_options("zzz", "init", ("kmeans", "equal-range"))


@pytest.mark.parametrize("bad", [np.zeros((2, 1)), None, 3, ["kmeans"], b"kmeans"])
def test_check_options_refuses_non_strings_without_comparing_them(bad):
    # An array compared with == would raise "truth value of an array is ambiguous".
    with pytest.raises(InputTypeError, match="init must be one of"):
        validate_options(bad, "init", ("kmeans", "equal-range"))


def test_check_callable_says_to_pass_the_function_not_its_result():
    assert validate_callable(len, "fn") is len
    with pytest.raises(InputTypeError, match="fn must be a function, got 3.*without parentheses"):
        validate_callable(3, "fn")


# ---------------------------------------------------------------- random_state

def test_check_random_state_seeds_reproducibly():
    a = validate_random_state(7).random(3)
    b = validate_random_state(np.int32(7)).random(3)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, validate_random_state(8).random(3))


def test_check_random_state_passes_a_generator_through():
    g = np.random.default_rng(0)
    assert validate_random_state(g) is g
    assert isinstance(validate_random_state(None), np.random.Generator)
    assert isinstance(validate_random_state(np.random.SeedSequence(1)), np.random.Generator)


@pytest.mark.parametrize("bad", ["abc", 1.5, True, [1, 2], np.random.RandomState(0), {}])
def test_check_random_state_refuses_other_types_with_the_fix(bad):
    with pytest.raises(InputTypeError, match=r"random_state must be an integer seed >= 0.*e\.g\. "
                                            r"random_state=0"):
        validate_random_state(bad)


def test_check_random_state_refuses_negative_seeds():
    with pytest.raises(ValueError, match="random_state must be an integer seed >= 0, got -1"):
        validate_random_state(-1)


# ---------------------------------------------------------------- paths

def test_check_path(tmp_path):
    assert validate_path(str(tmp_path)) == tmp_path
    assert validate_path(tmp_path) == tmp_path
    with pytest.raises(InputTypeError, match="path must be a file path"):
        validate_path(3)
    with pytest.raises(ValueError, match="empty"):
        validate_path("")


# ---------------------------------------------------------------- arrays

@pytest.mark.parametrize("bad, cls, match", [
    (None, InputTypeError, "X is None"),
    ("abc", InputTypeError, "numeric array, got 'abc'"),
    ({"a": 1}, InputTypeError, "numeric array"),
    ([[1, 2], [3]], ValueError, "ragged"),
    ([1, None], InputTypeError, "dtype object"),
    (["a", "b"], InputTypeError, "must be numeric, got dtype <U1"),
    (np.array([1 + 1j]), InputTypeError, r"complex.*X\.real"),
    (np.array([1.0, np.inf, np.nan]), ValueError, r"2 NaN or infinite values \(the first at index \(1,\)\)"),
    (np.array([1e200]), ValueError, "squares overflow"),
    (np.empty((0, 2)), ValueError, "empty"),
])
def test_check_array_refuses_garbage(bad, cls, match):
    with pytest.raises(cls, match=match):
        validate_array(bad, "X", max_abs=1e150)


def test_check_array_checks_ndim_and_shape():
    assert validate_array(np.zeros((2, 3)), "cov", ndim=(2, 3), shape=(None, 3)).shape == (2, 3)
    with pytest.raises(ValueError, match="cov must have 2 dimensions, got shape"):
        validate_array(np.zeros(3), "cov", ndim=2)
    with pytest.raises(ValueError, match=r"cov must have shape \(any, 3\), got \(2, 2\); square"):
        validate_array(np.zeros((2, 2)), "cov", shape=(None, 3), hint="square")


def test_check_array_converts_without_touching_the_input():
    X = np.array([1, 2], dtype=np.float16)
    out = validate_array(X, "X", dtype=np.float64)
    assert out.dtype == np.float64 and X.dtype == np.float16
    same = np.zeros(3)
    assert validate_array(same, "X") is same  # no copy when none is needed


def test_check_array_refuses_integers_beyond_max_abs():
    with pytest.raises(ValueError, match="up to 1e\\+06.*Rescale"):
        validate_array(np.array([-10 ** 6, 3]), "X", max_abs=1e5)


def test_check_array_options():
    assert validate_array([True, False], "m").dtype == bool
    with pytest.raises(InputTypeError, match="boolean"):
        validate_array([True], "m", allow_bool=False)
    assert validate_array([], "m", allow_empty=True).size == 0
    assert np.isnan(validate_array([np.nan], "m", allow_nan=True)).all()


# ---------------------------------------------------------------- images and frames

def test_check_image_accepts_uint8_integers_in_range_and_float_levels():
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert validate_image(img) is img
    assert validate_image(img.astype(np.int64)).dtype == np.uint8
    assert validate_image(img.astype(float) + 0.4, dtype=np.uint8).tolist() == img.tolist()
    assert validate_image(np.zeros((3, 4, 3)), channels=(3,)).shape == (3, 4, 3)


@pytest.mark.parametrize("image, channels, match", [
    (np.random.default_rng(0).random((4, 4)), (1,), r"values in \[0, 1\].*scale float images to "
                                                     r"0\.\.255 or pass uint8"),
    (np.full((4, 4, 3), 300.0), (3,), r"from 300 to 300.*0\.\.255"),
    (np.full((4, 4), -1.0), (1,), "0..255"),
    (np.full((4, 4), 1000, np.uint16), (1,), r"// 257"),
    (np.full((4, 4), np.nan), (1,), "NaN"),
    (np.zeros((4, 4, 3), np.uint8), (1,), "grayscale.*rgb2gray"),
    (np.zeros((4, 4), np.uint8), (3,), "colour image.*segment_gray"),
    (np.zeros((3, 4, 4, 3), np.uint8), (3,), "channels last"),
    (np.zeros((0, 4), np.uint8), (1,), "empty"),
    (np.zeros((4, 4), bool), (1,), "boolean"),
    ("cameraman.png", (1,), "numeric array"),
])
def test_check_image_refuses_with_the_fix(image, channels, match):
    with pytest.raises(ValueError, match=match):
        validate_image(image, channels=channels)


def test_check_frame_and_values():
    f = np.zeros((4, 5), np.uint8)
    assert validate_frame(f) is f
    for bad, match in [(np.zeros((2, 4, 5, 3)), "stack of frames"),
                       (np.zeros((3, 4, 5)), "channels last"),
                       (np.zeros((4, 5), np.int64), "uint8 or float"),
                       (np.zeros((0, 5)), "empty")]:
        with pytest.raises(ValueError, match=match):
            validate_frame(bad)
    with pytest.raises(ValueError, match=r"\[0, 1\].*scale float frames to 0\.\.255"):
        validate_frame_values(np.full((4, 5), 0.5), first=True)
    validate_frame_values(np.full((4, 5), 0.5), first=False)  # a dark frame later on is fine
    with pytest.raises(ValueError, match="1e\\+39"):
        validate_frame_values(np.full((4, 5), 1e39))


# ---------------------------------------------------------------- the EM data helpers

def test_as_data_computes_floats_in_float64_even_when_keeping_integer_types():
    assert as_data(np.ones(3, np.float16), keep_dtype=True).dtype == np.float64
    assert as_data(np.ones(3, np.uint8), keep_dtype=True).dtype == np.uint8
    assert as_data(np.ones(3, np.uint8)).dtype == np.float64


def test_as_weights_refuses_a_sum_that_overflows():
    with pytest.raises(ValueError, match=r"weights are too large.*weights / weights\.max\(\)"):
        as_weights([1e308, 1e308], 2)


def test_show_is_short():
    assert show(np.zeros((1000, 3))) == "an array of shape (1000, 3) and dtype float64"
    assert len(show(list(range(1000)))) <= 60
    assert show(3) == "3"


def test_show_survives_a_hostile_repr():
    class Hostile:
        def __repr__(self):
            raise RuntimeError("no")
    assert "Hostile" in show(Hostile())
