"""Garbage in, a clear error out: every public function of gmmlib under random bad input.

For each public entry point a valid call is written down (small arrays: a call takes
milliseconds). Hypothesis then replaces one argument at a time with garbage: None, strings,
ragged lists, dicts, objects, NaN/inf, magnitudes from 1e-300 to 1e300, float16, complex, bool,
object and string arrays, wrong shapes, read-only arrays, negative, zero and huge integers, and
for array arguments the valid array itself damaged (a NaN in it, rescaled to 1e300, transposed,
emptied, cast to another dtype...). Every call must end in one of:

- a valid result (checked where there is something to check: finite parameters, weights that
  sum to 1, masks of the right shape, a model whose parameters stayed finite...);
- a ``ValueError`` or ``TypeError`` whose message names the argument (or an argument it is
  compared with, listed in ``related``);
- ``FileNotFoundError`` where a path is involved, ``fetch_clip``'s documented RuntimeError, and
  a checker's ``ExerciseError`` under ``strict=True``.

Never another exception, never a hang (each call has HANG_SECONDS), and never a change to an
input (every argument is compared with a snapshot taken before the call).

The public API is enumerated by introspection (``test_every_public_callable_is_covered``): a new
public function or method fails that test until it gets a spec here or an exemption with a
reason. Settings: GMMLIB_GARBAGE_EXAMPLES (default 250 per function) and GMMLIB_GARBAGE_RANDOM=1
for a fresh random search instead of CI's fixed (derandomized) one;
GMMLIB_GARBAGE_OWNERS=emcore,views (helpers' names, see OWNERS) to run only their specs.
"""
import importlib
import inspect
import math
import os
import pkgutil
import re
import signal
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from matplotlib.figure import Figure
from threadpoolctl import threadpool_limits

import gmmlib
from gmmlib import Mixture, datasets, metrics, plotting, synthetic, video
from gmmlib.background import BackgroundModel
from gmmlib.history import EMResult

N_EXAMPLES = int(os.environ.get("GMMLIB_GARBAGE_EXAMPLES", "250"))
GARBAGE = settings(max_examples=N_EXAMPLES, deadline=None, database=None,
                   derandomize=os.environ.get("GMMLIB_GARBAGE_RANDOM") != "1",
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.filter_too_much])
HANG_SECONDS = 10
MEMORY_HEADROOM = 2 * 2 ** 30  # bytes a single call may add to the process


# =============================================================================== garbage

class Opaque:
    """Some object nobody expects."""

    def __repr__(self):
        return "Opaque()"


class BadArray:
    """An object whose __array__ raises (a broken array-like)."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __repr__(self):
        return "BadArray()"


EXTREME_FLOATS = [math.nan, math.inf, -math.inf, 0.0, -0.0, 5e-324, 1e-300, -1e-300, 1e-150,
                  1e150, 1e300, -1e300, 1.7976931348623157e308, 0.5, -0.5, 1.0, 2.0, 1e39, 0.1,
                  1e-7, 3.5, 255.0, 256.0, -1e6, 1e6]
EXTREME_INTS = [0, 1, 2, 3, 4, 5, -1, -3, 255, 256, 2 ** 31, 2 ** 63, -2 ** 63, 10 ** 400,
                -10 ** 400, 10 ** 6, 7, -20, 20]
NUMPY_SCALARS = [np.float16(6e4), np.float32("nan"), np.int8(-1), np.uint64(2 ** 64 - 1),
                 np.bool_(True), np.float64("inf"), np.complex64(1 + 1j), np.str_("x"),
                 np.datetime64("2020-01-01"), np.float64(0.5), np.int64(2), np.array(3.0),
                 np.array(np.nan), np.array("a")]
# Scalars and containers: a fixed pool (drawing from it costs hypothesis far less than
# building values piece by piece; a deep copy is handed out so no call can spoil the pool).
POOL = (
    [None, True, False, "", "abc", "kmeans", "nan", "1", "half", "paper", "0.5", "é", b"",
     b"\x00", 1 + 2j, complex(math.nan, 0), Opaque(), BadArray(), print, lambda: None,
     np.random.default_rng(0), object, Ellipsis, slice(1), range(3)]
    + EXTREME_FLOATS + EXTREME_INTS + NUMPY_SCALARS
    + [(), [], {}, set(), [[]], [[1, 2], [3]], [None], {1: "x"}, (1, "x"), ["a", "b"],
       [1, None, 3], [[1.0, 2.0], [3.0, "x"]], [math.nan] * 3, [10 ** 400, 1], {"a": 1, "b": 2},
       [[[1]], [2]], [1.0, [2.0]], frozenset({1}), [(0, 0)], [(1, 2, 3)], ((0, 0), (1, 1)),
       [[0.5, 0.5]], (2, 1.5), (0, 0), (-1, 2), (1e300, 1e300), (2,), [1, 2, 3], list(range(40))]
)


def _pooled(i):
    import copy
    return copy.deepcopy(POOL[i])


ARRAY_DTYPES = [np.float64, np.float32, np.float16, np.int8, np.uint8, np.int64, np.uint64,
                np.bool_, np.complex128, "U3", "M8[D]", object]
SPECIAL = np.array([math.nan, math.inf, -math.inf, 1e300, -1e300, 1e-300, 0.0, -1.0, 255.0, 1e39])


def _array(k, shape, seed, special):
    """A random array of dtype ARRAY_DTYPES[k], with special values sprinkled in."""
    rng = np.random.default_rng(seed)
    values = rng.normal(0, 10.0 ** rng.integers(-3, 4), shape)
    if special and values.size:
        picks = rng.random(shape) < 0.3
        values[picks] = rng.choice(SPECIAL, size=int(picks.sum()))
    dtype = ARRAY_DTYPES[k]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dtype is object:
            out = values.astype(object)
            if out.size:
                out.flat[0] = None
            return out
        return values.astype(dtype)


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)
garbage = st.one_of(
    st.integers(0, len(POOL) - 1).map(_pooled),
    st.builds(_array, st.integers(0, len(ARRAY_DTYPES) - 1), shapes, st.integers(0, 2 ** 32),
              st.booleans()),
)


def _as_float(a):
    with np.errstate(all="ignore"):
        return np.asarray(a, dtype=np.float64)


def _with(a, value, index):
    out = _as_float(a).copy()
    if out.size:
        out.flat[index % out.size] = value
    return out


def _astype(a, dtype):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(a).astype(dtype)


def _readonly(a):
    out = np.array(a)
    out.flags.writeable = False
    return out


def _ragged(a):
    rows = np.asarray(a).tolist()
    if isinstance(rows, list) and len(rows) > 1 and isinstance(rows[-1], list) and rows[-1]:
        rows[-1] = rows[-1][:-1]
    return rows


def damaged(value):
    """The valid array ``value`` damaged in one way: what a careless caller passes.

    Each draw damages its own copy of ``value`` (the strategy is built once per argument and
    kept; a view such as ``a.T`` must not let one call's mischief reach the next example).
    """
    original = np.array(value)

    def damage(k, i):
        return ops(original.copy())[k](i)
    return st.builds(damage, st.integers(0, N_DAMAGES - 1), st.integers(0, 10 ** 6))


def ops(a):
    """The ways to damage the array ``a``, each a function of an index ``i``."""
    return [
        lambda i: _with(a, math.nan, i), lambda i: _with(a, math.inf, i),
        lambda i: _with(a, -math.inf, i), lambda i: _with(a, 1e300, i), lambda i: _with(a, 1e39, i),
        lambda i: _with(a, -1e-300, i), lambda i: _with(a, -1.0, i), lambda i: _with(a, 1e6, i),
        lambda i: _as_float(a) * 1e300, lambda i: _as_float(a) * 1e-300, lambda i: _as_float(a) * 1e150,
        lambda i: _as_float(a) / 255.0, lambda i: -_as_float(a), lambda i: _as_float(a) * 0.0,
        lambda i: _as_float(a) + 1e12, lambda i: _as_float(a) + 0.5,
        lambda i: _astype(a, np.float16), lambda i: _astype(a, np.float32) * np.float32(1e30),
        lambda i: _astype(a, np.complex128), lambda i: _astype(a, bool), lambda i: _astype(a, object),
        lambda i: _astype(a, "U8"), lambda i: _astype(a, np.int8), lambda i: _astype(a, np.uint16) * 300,
        lambda i: _astype(a, np.int64) - 2 ** 62,
        lambda i: a.T, lambda i: a[None], lambda i: a[..., None], lambda i: a.ravel(),
        lambda i: a[:0], lambda i: a[:1], lambda i: a[..., :0] if a.ndim else a,
        lambda i: np.asarray(a.flat[0]) if a.size else a,
        lambda i: np.repeat(a[:1], len(a), axis=0) if a.ndim else a,
        lambda i: a.tolist(), lambda i: _ragged(a), lambda i: _readonly(a),
        lambda i: np.concatenate([a, a]) if a.ndim else a,
        lambda i: a[..., ::-1], lambda i: np.asfortranarray(a),
    ]


N_DAMAGES = len(ops(np.zeros(1)))


def garbage_for(value, extra=None):
    """Garbage for an argument whose valid value is ``value``."""
    options = [garbage]
    if isinstance(value, np.ndarray) and value.dtype != object:
        options.append(damaged(value))
    if extra is not None:
        options.append(extra)
    return st.one_of(*options)


def returning(values):
    """Student functions that return garbage, raise, or return their own arguments."""
    def raising(exc):
        def fn(*args, **kwargs):
            raise exc
        return fn
    return st.one_of(
        st.builds(lambda v: (lambda *args, **kwargs: v), values),
        st.builds(raising, st.sampled_from([ValueError("x"), KeyError("x"), IndexError("x"),
                                            ZeroDivisionError(), RecursionError(),
                                            NotImplementedError(), OverflowError(), TypeError()])),
        st.just(lambda *args, **kwargs: args), st.just(lambda *args, **kwargs: args[0]),
        st.just(lambda *args, **kwargs: args[-1]), st.just(lambda: None),
    )


# =============================================================================== snapshots

def snapshot(value, depth=0):
    """What a caller can see of ``value``: arrays by content, containers recursively."""
    if depth > 6:
        return ("deep", id(value))
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.flags.writeable, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(snapshot(v, depth + 1) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((repr(k), snapshot(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, Mixture):
        return ("Mixture",) + tuple(snapshot(getattr(value, a), depth + 1)
                                    for a in ("weights", "means", "covariances"))
    if isinstance(value, EMResult):
        h = value.history
        return ("EMResult", snapshot(value.mixture, depth + 1), value.log_likelihood,
                snapshot([h.weights, h.means, h.covariances, h.log_likelihood], depth + 1))
    if isinstance(value, (str, bytes, int, float, complex, bool, type(None), np.generic)):
        return ("scalar", type(value).__name__, repr(value))
    return ("object", id(value))


# =============================================================================== specs

@dataclass
class Spec:
    """How to call one public callable validly, and what may go wrong.

    ``args()`` returns fresh valid keyword arguments; ``call(**kwargs)`` makes the call.
    ``check(result, kwargs)`` asserts that a returned result is valid. ``extra`` adds garbage
    proper to an argument; ``related`` lists the other arguments a message about it may name
    instead; ``mutable`` are arguments the call is meant to change (a model it runs);
    ``fixed`` are arguments never replaced.
    """
    call: object
    args: object
    check: object = None
    extra: dict = field(default_factory=dict)
    related: dict = field(default_factory=dict)
    allowed: tuple = ()
    mutable: tuple = ()
    fixed: tuple = ()


def _rng(seed=0):
    return np.random.default_rng(seed)


def X1():
    return np.r_[_rng(1).normal(0, 1, 15), _rng(2).normal(6, 1, 15)]


def X2():
    return np.vstack([_rng(3).normal(0, 1, (15, 2)), _rng(4).normal([6, 6], 1, (15, 2))])


def mix2():
    return Mixture(np.array([0.4, 0.6]), np.array([[0.0, 0.0], [5.0, 5.0]]),
                   np.array([np.eye(2), [[2.0, 0.5], [0.5, 1.0]]]))


def mix1():
    return Mixture(np.array([0.5, 0.5]), np.array([[60.0], [180.0]]), np.array([[[200.0]], [[300.0]]]))


def gray():
    img = np.where(np.arange(16)[:, None] < 8, 60, 180) + _rng(5).integers(-9, 10, (16, 16))
    return img.astype(np.uint8)


def colour():
    img = np.zeros((8, 8, 3), np.uint8)
    img[:4] = (200, 40, 40)
    img[4:] = (40, 40, 200)
    return (img + _rng(6).integers(0, 9, img.shape)).astype(np.uint8)


def frames_gray(n=4):
    return np.stack([gray() for _ in range(n)])


_CACHE = {}


def cached(key, make):
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def results_1d():
    from gmmlib import painless_em
    return cached("results_1d", lambda: {K: painless_em(X1(), K, max_iter=3) for K in (1, 2)})


def results_2d():
    from gmmlib import painless_em
    return cached("results_2d", lambda: {K: painless_em(X2(), K, max_iter=3) for K in (1, 2)})


def results_hist():
    from gmmlib import histogram_em
    return cached("results_hist", lambda: {K: histogram_em(gray(), K, max_iter=3) for K in (1, 2)})


def short_results():
    """Runs of one iteration: an animation of them has at most two frames, whatever max_frames."""
    from gmmlib import painless_em
    return cached("short", lambda: {K: painless_em(X1(), K, max_iter=1) for K in (1, 2)})


def short_run():
    from gmmlib.views import record_background
    return cached("short_run", lambda: record_background(BackgroundModel(), frames_gray(2),
                                                         [(2, 3), (10, 10)]))


def background_run():
    from gmmlib.views import record_background
    return cached("run", lambda: record_background(BackgroundModel(), frames_gray(4),
                                                   [(2, 3), (10, 10)], np.zeros((4, 16, 16), bool)))


_AXES = {"uses": 0, "ax": None}


def axes():
    """An Axes to draw on, renewed every 10 uses: a new Figure costs more than most calls."""
    if _AXES["uses"] % 10 == 0:
        _AXES["ax"] = Figure(figsize=(2, 1.5), dpi=20).add_subplot()
    _AXES["uses"] += 1
    return _AXES["ax"]


def fitted_model():
    model = BackgroundModel()
    model.apply(gray())
    return model


def tiny_clip():
    def make():
        import tempfile

        import imageio.v3 as iio
        folder = Path(tempfile.mkdtemp(prefix="gmmlib-garbage-"))
        path = folder / "clip.avi"
        clip = np.stack([np.full((16, 16, 3), 20 * t, np.uint8) for t in range(5)])
        iio.imwrite(path, clip, plugin="FFMPEG", fps=10, codec="libx264",
                    output_params=["-crf", "0", "-pix_fmt", "yuv444p"])
        return path
    return cached("clip", make)


def offline_route(name, dest, workdir):
    raise RuntimeError("offline")


# ------------------------------------------------------------------------------- checks

def finite(*arrays):
    for a in arrays:
        assert np.isfinite(np.asarray(a, dtype=float)).all(), f"non-finite values in {a!r}"


def check_mixture(m):
    assert isinstance(m, Mixture)
    finite(m.weights, m.means, m.covariances)
    assert abs(m.weights.sum() - 1) < 1e-6 and (m.weights >= 0).all()
    np.linalg.cholesky(m.covariances)  # positive definite


def check_em(res, kwargs=None):
    assert isinstance(res, EMResult)
    check_mixture(res.mixture)
    if res.failure is None:
        assert np.isfinite(res.log_likelihood), f"log-likelihood {res.log_likelihood}"


def check_no_nan(result, kwargs=None):
    assert not np.isnan(np.asarray(result, dtype=float)).any(), "NaN in the result"


def check_gray_segmentation(seg, kwargs):
    check_em(seg.result)
    assert seg.labels.shape == np.shape(kwargs["image"])[:2]


def check_colour_segmentation(seg, kwargs):
    check_em(seg.result)
    assert seg.labels.shape == np.shape(kwargs["image"])[:2]
    assert seg.mean_colour_image().dtype == np.uint8


def check_model(model, kwargs=None):
    assert isinstance(model, BackgroundModel)
    model.apply(gray())
    mask = model.apply(gray())
    assert mask.shape == (16, 16) and mask.dtype == bool
    finite(model.weights_, model.means_, model.variances_)


def check_applied(mask, kwargs):
    model = kwargs["self"]
    frame = np.asarray(kwargs["frame"])
    assert mask.dtype == bool and mask.shape == frame.shape[:2]
    finite(model.weights_, model.means_, model.variances_)
    assert model.means_.min() >= -1 and model.means_.max() <= 256, "means outside 0..255"


def check_scene(scene, kwargs):
    assert isinstance(scene, synthetic.SyntheticScene)
    frame, mask = next(iter(scene))
    assert frame.dtype == np.uint8 and mask.dtype == bool and frame.shape[:2] == mask.shape


def check_frames(frames, kwargs):
    first = next(iter(frames), None)
    assert first is None or first.dtype == np.uint8


def check_feedback(result, kwargs):
    from gmmlib.exercises import Feedback
    assert isinstance(result, Feedback)
    assert isinstance(result.message, str)


def method(make, name):
    """A spec call for a method: ``self`` (built by ``make``) is passed among the kwargs."""
    def call(self, **kwargs):
        return getattr(self, name)(**kwargs)
    return call


def with_self(make, **kwargs):
    return lambda: dict(self=make(), **kwargs)


# ------------------------------------------------------------------------------- the table

def _specs():
    from gmmlib import (histogram_em, intensity_histogram, logsumexp, naive_em, painless_em, rcond,
                        segment_colour, segment_gray)
    from gmmlib import exercises, images, views

    init_extra = st.one_of(
        st.builds(lambda: X2()[:2]), st.builds(lambda: X2()[:2].tolist()),
        st.builds(lambda: Mixture([1.0], [[0.0, 0.0]], [np.eye(2)])),
        st.builds(lambda: mix1()), st.sampled_from(["equal-range", "k-means", "KMEANS"]))
    weights_extra = st.builds(lambda n, k, v: _with(np.ones(n), v, k),
                              st.sampled_from([30, 29, 31]), st.integers(0, 40),
                              st.sampled_from([0.0, -1.0, 1e300, 1e308, math.nan, 1e-300]))
    em_common = dict(X=X2, K=2, weights=None, init="kmeans", max_iter=10, tol=1e-4, random_state=0)
    em_related = {"X": ("K",), "weights": ("K", "X"), "K": ("X",), "init_range": ("init",)}
    self_self = ("self",)
    S = {}

    # --- EM (emcore) ----------------------------------------------------------------------
    S["painless_em"] = Spec(painless_em, lambda: dict(
        em_common, X=X2(), whiten=True, reg_covar=0.0, var_floor=1e-6, n_init=2, init_range=None),
        check_em, extra={"init": init_extra, "weights": weights_extra}, related=em_related)
    S["naive_em"] = Spec(naive_em, lambda: dict(em_common, X=X2(), init_range=None), check_em,
                         extra={"init": init_extra, "weights": weights_extra}, related=em_related)
    S["logsumexp"] = Spec(logsumexp, lambda: dict(a=_rng(7).normal(size=(3, 4)), axis=-1))
    S["rcond"] = Spec(rcond, lambda: dict(cov=np.array([[2.0, 0.5], [0.5, 1.0]])),
                      lambda r, kw: None if 0 <= r <= 1 + 1e-12 else pytest.fail(f"rcond {r}"))
    mix_related = {"weights": ("means", "covariances"), "means": ("weights", "covariances"),
                   "covariances": ("weights", "means")}
    S["Mixture"] = Spec(Mixture, lambda: dict(weights=mix2().weights.copy(), means=mix2().means.copy(),
                                              covariances=mix2().covariances.copy()),
                        lambda m, kw: check_mixture(m), related=mix_related)
    for name in ("component_log_density", "weighted_log_density", "log_density", "responsibilities",
                 "predict"):
        S[f"Mixture.{name}"] = Spec(method(mix2, name), with_self(mix2, X=X2()), check_no_nan,
                                    fixed=self_self)
    for name in ("log_likelihood", "score", "bic", "aic"):
        S[f"Mixture.{name}"] = Spec(method(mix2, name), with_self(mix2, X=X2(), weights=None),
                                    check_no_nan, fixed=self_self,
                                    extra={"weights": weights_extra}, related={"weights": ("X",)})
    S["Mixture.sample"] = Spec(method(mix2, "sample"), with_self(mix2, n=5, random_state=0),
                               lambda r, kw: finite(r[0]), fixed=self_self)

    def history():  # one run for every example: History's methods only read it
        return cached("history", lambda: painless_em(X1(), 2, max_iter=3).history)
    S["History.mixture"] = Spec(method(history, "mixture"), with_self(history, t=1),
                                lambda m, kw: check_mixture(m), fixed=self_self)

    from gmmlib import painless
    S["robust_scale"] = Spec(painless.robust_scale, lambda: dict(X=X2(), weights=None), check_no_nan,
                             extra={"weights": weights_extra}, related={"weights": ("X",)})
    S["validate_init"] = Spec(painless.validate_init, lambda: dict(init=np.array([[0.0, 0.0], [5.0, 5.0]]),
                                                             K=2, d=2),
                           extra={"init": init_extra}, related={"init": ("K", "d")})
    S["History.events_at"] = Spec(method(history, "events_at"), with_self(history, iteration=1),
                                  fixed=self_self)

    # --- quiz (exercises): a student's response is never an error --------------------------
    from gmmlib import quiz
    S["ask"] = Spec(quiz.ask, lambda: dict(question="How many components?", options=["one", "two"],
                                           answer=2, explain="two bumps", response=2, why=None,
                                           tol=0, quiet=True),
                    lambda r, kw: None if isinstance(r, quiz.Verdict) else pytest.fail(repr(r)),
                    related={"answer": ("options",), "options": ("answer", "why"),
                             "why": ("options",)})

    # --- images (validation) --------------------------------------------------------------
    S["intensity_histogram"] = Spec(intensity_histogram, lambda: dict(image=gray()))
    S["as_gray_uint8"] = Spec(images.as_gray_uint8, lambda: dict(image=gray()))
    S["as_colour_pixels"] = Spec(images.as_colour_pixels, lambda: dict(image=colour()))
    S["label_lut"] = Spec(images.label_lut, lambda: dict(mixture=mix1()),
                          extra={"mixture": st.builds(mix2)})
    S["histogram_em"] = Spec(histogram_em, lambda: dict(image=gray(), K=2, init="equal-range",
                                                        max_iter=5),
                             check_em, related={"image": ("K",), "K": ("image",)},
                             extra={"init": init_extra})
    S["segment_gray"] = Spec(segment_gray, lambda: dict(image=gray(), K=2, max_iter=5),
                             check_gray_segmentation, related={"image": ("K",), "K": ("image",)})
    S["segment_colour"] = Spec(segment_colour, lambda: dict(image=colour(), K=2, max_iter=5,
                                                            n_init=1),
                               check_colour_segmentation, related={"image": ("K",), "K": ("image",)})

    # --- background, synthetic, metrics, datasets, video (validation) ----------------------
    S["BackgroundModel"] = Spec(BackgroundModel, lambda: dict(
        K=3, alpha=0.005, T=0.7, match_threshold=2.5, initial_variance=400.0, initial_weight=0.05,
        variance_floor=16.0, learning_rate="inverse_weight", fast_start=True), check_model,
        related={"variance_floor": ("initial_variance",), "initial_variance": ("variance_floor",)})
    S["BackgroundModel.apply"] = Spec(method(None, "apply"), lambda: dict(self=BackgroundModel(),
                                                                          frame=gray()),
                                      check_applied, fixed=self_self, mutable=self_self)
    S["BackgroundModel.apply(later frame)"] = Spec(
        method(None, "apply"), lambda: dict(self=fitted_model(), frame=gray()), check_applied,
        fixed=self_self, mutable=self_self)
    S["BackgroundModel.mixture_at"] = Spec(method(None, "mixture_at"),
                                           lambda: dict(self=fitted_model(), row=2, col=3),
                                           lambda r, kw: finite(r.weights, r.means, r.variances),
                                           fixed=self_self)
    bg_extra = st.one_of(st.builds(lambda: gray() / 255.0), st.builds(lambda: colour()),
                         st.builds(lambda: np.zeros((4, 4), np.uint8)))
    S["make_scene"] = Spec(synthetic.make_scene, lambda: dict(
        n_frames=4, height=16, width=16, color=False, seed=0, noise_sigma=None, n_objects=2,
        stop_fraction=0.5, waving=True, drift=None, object_size=None, background=None,
        background_frames=None), check_scene,
        extra={"background": bg_extra, "background_frames": st.one_of(
            st.builds(lambda: frames_gray(4)), st.builds(lambda: list(frames_gray(3))),
            st.builds(lambda: [gray(), colour()[:, :, 0], gray()[:8], gray(), gray()]),
            st.builds(lambda: iter(frames_gray(4))), st.builds(lambda: frames_gray(4) / 255.0))},
        related={"background_frames": ("n_frames", "background"), "background": ("background_frames",),
                 "n_frames": ("background_frames",)})
    S["precision_recall_f"] = Spec(metrics.precision_recall_f,
                                   lambda: dict(tp=np.array([3, 0]), fp=np.array([1, 0]),
                                                fn=np.array([2, 0])),
                                   related={k: ("tp", "fp", "fn") for k in ("tp", "fp", "fn")})
    S["MaskScorer"] = Spec(metrics.MaskScorer, lambda: dict(warmup=1))
    masks = lambda: _rng(8).random((3, 5, 6)) > 0.5  # noqa: E731
    S["MaskScorer.update"] = Spec(method(None, "update"), lambda: dict(
        self=metrics.MaskScorer(), mask=masks()[0], truth=masks()[1]), fixed=self_self,
        mutable=self_self, related={"mask": ("truth",), "truth": ("mask",)})
    S["score_masks"] = Spec(metrics.score_masks, lambda: dict(masks=masks(), truths=masks()[::-1],
                                                              warmup=0),
                            related={"masks": ("truths", "warmup"), "truths": ("masks", "warmup"),
                                     "warmup": ("masks", "truths")})
    S["gmm_example_1d"] = Spec(datasets.gmm_example_1d, lambda: dict(random_state=0), lambda r, kw: finite(r[0]))
    S["gmm_example_2d"] = Spec(datasets.gmm_example_2d, lambda: dict(random_state=0), lambda r, kw: finite(r[0]))
    S["isolated_point"] = Spec(datasets.isolated_point, lambda: dict(random_state=0),
                               lambda r, kw: (finite(r[0]), check_mixture(r[1])))
    S["repeated_value"] = Spec(datasets.repeated_value, lambda: dict(random_state=1),
                               lambda r, kw: finite(r))
    S["points_on_a_line"] = Spec(datasets.points_on_a_line, lambda: dict(random_state=0),
                                 lambda r, kw: finite(r[0]))
    S["crossing_clusters"] = Spec(datasets.crossing_clusters, lambda: dict(random_state=0, scale=1.0),
                                  lambda r, kw: finite(r[0]))
    S["tilted_clusters"] = Spec(datasets.tilted_clusters, lambda: dict(random_state=0),
                                lambda r, kw: finite(r[0]))
    S["read_frames"] = Spec(video.read_frames, lambda: dict(path=tiny_clip(), gray=False, scale=None,
                                                            max_frames=None, start=0),
                            check_frames, allowed=(FileNotFoundError,),
                            extra={"path": st.sampled_from([Path("/"), Path(__file__), "nowhere.avi"])})
    S["fetch_clip"] = Spec(video.fetch_clip, lambda: dict(name="tree.avi",
                                                          routes=[("offline", offline_route)]),
                           allowed=(RuntimeError,),
                           extra={"routes": returning(garbage).map(lambda f: [("junk", f)])})

    # --- views and plotting (views) -------------------------------------------------------
    from gmmlib import views_background, views_segmentation
    LOW = (6.7, 1.5)  # the narrowest figure a view accepts (640 px), and low: cheap to draw
    results_extra = st.one_of(
        st.sampled_from([{1: "x"}, {}, [], {1.5: None}, {"a": 1}]),
        st.builds(lambda: {1: results_1d()[1], 3: results_1d()[2]}),
        st.builds(lambda: {2: results_1d()[1]}), st.builds(lambda: results_2d()),
        st.builds(lambda: results_1d()[2]), st.builds(lambda: list(results_1d().values())))
    view_related = {"X": ("results", "weights"), "results": ("X", "K", "image"),
                    "K": ("results",), "weights": ("X",), "image": ("results",),
                    "iteration": ("K",), "figsize": ("width",)}
    S["EMView"] = Spec(views.EMView, lambda: dict(X=X1(), results=results_1d(), weights=None, K=None,
                                                  iteration=0, figsize=LOW),
                       extra={"results": results_extra}, related=view_related)
    S["EMFigure"] = Spec(views.EMFigure, lambda: dict(X=X1(), results=results_1d(), weights=None,
                                                      bins=10, figsize=LOW),
                         extra={"results": results_extra}, related=view_related)
    S["EMFigure.draw"] = Spec(method(None, "draw"), lambda: dict(
        self=cached("emfigure", lambda: views.EMFigure(X1(), results_1d(), figsize=LOW)), K=2, t=1),
        fixed=self_self, mutable=self_self, related={"K": ("t",), "t": ("K",)})
    S["SegmentationView"] = Spec(views.SegmentationView, lambda: dict(
        image=gray(), results=results_hist(), K=None, iteration=0, figsize=LOW),
        extra={"results": results_extra}, related=view_related)
    S["SegmentationFigure"] = Spec(views.SegmentationFigure, lambda: dict(
        image=gray(), results=results_hist(), figsize=LOW), extra={"results": results_extra},
        related=view_related)
    S["SegmentationFigure.draw"] = Spec(method(None, "draw"), lambda: dict(
        self=cached("segfigure", lambda: views.SegmentationFigure(gray(), results_hist(), figsize=LOW)), K=2, t=1),
        fixed=self_self, mutable=self_self, related={"K": ("t",), "t": ("K",)})
    S["display_stride"] = Spec(views_segmentation.display_stride,
                               lambda: dict(image=gray(), max_px=320))
    S["painted_lut"] = Spec(views_segmentation.painted_lut, lambda: dict(mixture=mix1()),
                            extra={"mixture": st.builds(mix2)})
    S["KIterationView.last_iteration"] = Spec(method(None, "last_iteration"), lambda: dict(
        self=cached("emview", lambda: views.EMView(X1(), results_1d(), figsize=LOW)), K=1), fixed=self_self)
    S["KIterationView.animation"] = Spec(method(None, "animation"), lambda: dict(
        self=cached("emview_short", lambda: views.EMView(X1(), short_results(), figsize=LOW)), K=2,
        max_frames=2,
        frame_ms=400, hold_ms=2000, figsize=LOW), fixed=self_self, mutable=self_self)
    S["KIterationView.to_jshtml"] = Spec(method(None, "to_jshtml"), lambda: dict(
        self=cached("emview_short", lambda: views.EMView(X1(), short_results(), figsize=LOW)), K=2,
        max_frames=2),
        fixed=self_self, mutable=self_self)
    S["caption"] = Spec(views.caption, lambda: dict(result=results_1d()[2], t=1))
    S["as_results"] = Spec(views.as_results, lambda: dict(results=results_1d()),
                           extra={"results": results_extra})
    S["record_background"] = Spec(views.record_background, lambda: dict(
        model=BackgroundModel(), frames=frames_gray(3), pixels=[(2, 3)], truths=None),
        mutable=("model",), related={"frames": ("pixels", "truths", "model"),
                                     "pixels": ("frames",), "truths": ("frames",)})
    S["BackgroundView"] = Spec(views.BackgroundView, lambda: dict(
        run=background_run(), frame=0, pixel=0, interval=200, figsize=LOW), related={"frame": ("run",),
                                                                        "pixel": ("run",)})
    S["BackgroundView.animation"] = Spec(method(None, "animation"), lambda: dict(
        self=cached("bgview_short", lambda: views.BackgroundView(short_run(), figsize=LOW)),
        max_frames=2,
        frame_ms=300, hold_ms=1500, pixel=None, figsize=LOW, tolerance=16),
        fixed=self_self, mutable=self_self)
    S["BackgroundView.to_jshtml"] = Spec(method(None, "to_jshtml"), lambda: dict(
        self=cached("bgview_short", lambda: views.BackgroundView(short_run(), figsize=LOW)),
        max_frames=2),
        fixed=self_self, mutable=self_self)
    S["BackgroundFigure"] = Spec(views.BackgroundFigure, lambda: dict(run=background_run(),
                                                                      figsize=LOW))
    S["BackgroundFigure.draw"] = Spec(method(None, "draw"), lambda: dict(
        self=cached("bgfigure", lambda: views.BackgroundFigure(background_run(), figsize=LOW)), t=1, p=1),
        fixed=self_self, mutable=self_self)
    S["background_caption"] = Spec(views.background_caption, lambda: dict(run=background_run(), t=1,
                                                                          p=0))
    S["band_polygons"] = Spec(views_background.band_polygons, lambda: dict(
        x=np.arange(5.0), low=np.zeros(5), high=np.ones(5), where=np.array([1, 1, 0, 1, 1], bool)),
        related={k: ("x", "low", "high", "where") for k in ("x", "low", "high", "where")})
    S["mask_overlay"] = Spec(views.mask_overlay, lambda: dict(
        frame=gray(), mask=gray() > 100, colour=(255, 40, 40), opacity=0.6),
        related={"frame": ("mask",), "mask": ("frame",)})
    S["Animation.save"] = Spec(method(None, "save"), lambda: dict(
        self=cached("animation", lambda: views.EMView(X1(), short_results(), figsize=LOW).animation(
            K=2, max_frames=2)),
        path=Path(tiny_clip()).with_name("animation.png")), fixed=self_self,
        allowed=(FileNotFoundError,))

    S["colour"] = Spec(plotting.colour, lambda: dict(k=1))
    S["component_colormap"] = Spec(plotting.component_colormap, lambda: dict(K=3))
    S["grid_1d"] = Spec(plotting.grid_1d, lambda: dict(X=X1(), n=20, margin=0.1), check_no_nan)
    S["grid_2d"] = Spec(plotting.grid_2d, lambda: dict(X=X2(), n=10, margin=0.1))
    S["component_pdfs"] = Spec(plotting.component_pdfs, lambda: dict(mixture=mix1(),
                                                                      grid=np.linspace(0, 255, 9)),
                               check_no_nan, extra={"mixture": st.builds(mix2)})
    S["ellipse_geometry"] = Spec(plotting.ellipse_geometry,
                                 lambda: dict(cov=np.array([[2.0, 0.5], [0.5, 1.0]]), n_std=2.0),
                                 check_no_nan)
    S["weighted_log_densities_2d"] = Spec(plotting.weighted_log_densities_2d, lambda: dict(
        mixture=mix2(), points=X2()), extra={"mixture": st.builds(mix1)},
        related={"points": ("mixture",), "mixture": ("points",)})
    S["log_density_2d"] = Spec(plotting.log_density_2d, lambda: dict(mixture=mix2(), points=X2()),
                               extra={"mixture": st.builds(mix1)},
                               related={"points": ("mixture",), "mixture": ("points",)})
    S["contour_lines"] = Spec(plotting.contour_lines, lambda: dict(
        mixture=mix2(), xx=plotting.grid_2d(X2(), n=6)[0], yy=plotting.grid_2d(X2(), n=6)[1],
        levels=np.array([-8.0, -5.0])),
        related={"xx": ("yy",), "yy": ("xx",), "mixture": ("xx", "yy")})
    ax_extra = {"ax": st.builds(lambda: Figure())}
    plot = lambda **kw: Spec(fixed=(), extra=ax_extra, **kw)  # noqa: E731
    S["readable"] = plot(call=plotting.readable, args=lambda: dict(ax=axes(), size=12))
    S["histogram_1d"] = plot(call=plotting.histogram_1d, args=lambda: dict(
        ax=axes(), X=X1(), weights=None, bins=10, range=None, label="data"),
        related={"X": ("weights",), "weights": ("X",), "bins": ("range",), "range": ("bins", "X")})
    S["mixture_curves_1d"] = plot(call=plotting.mixture_curves_1d, args=lambda: dict(
        ax=axes(), mixture=mix1(), grid=np.linspace(0, 255, 9), linestyle="-", label_prefix="",
        total=True))
    S["responsibility_histogram"] = plot(call=plotting.responsibility_histogram, args=lambda: dict(
        ax=axes(), X=X1(), resp=mix1().responsibilities(X1() * 30), bins=10, range=None),
        related={"X": ("resp",), "resp": ("X",)})
    S["scatter_2d"] = plot(call=plotting.scatter_2d, args=lambda: dict(
        ax=axes(), X=X2(), labels=None, s=10), related={"X": ("labels",), "labels": ("X",)})
    S["covariance_ellipses"] = plot(call=plotting.covariance_ellipses, args=lambda: dict(
        ax=axes(), mixture=mix2(), n_std=2.0))
    S["density_contours"] = plot(call=plotting.density_contours, args=lambda: dict(
        ax=axes(), mixture=mix2(), xx=plotting.grid_2d(X2(), n=6)[0],
        yy=plotting.grid_2d(X2(), n=6)[1], levels=4),
        related={"xx": ("yy",), "yy": ("xx",), "mixture": ("xx", "yy")})
    S["log_likelihood_curve"] = plot(call=plotting.log_likelihood_curve, args=lambda: dict(
        ax=axes(), log_likelihood=[-10.0, -5.0, -4.0], t=1), related={"t": ("log_likelihood",)})
    S["log_likelihood_units"] = plot(call=plotting.log_likelihood_units, args=lambda: dict(
        ax=axes(), log_likelihood=[-10.0, -5.0, -4.0]))
    S["segmented_image"] = plot(call=plotting.segmented_image, args=lambda: dict(
        ax=axes(), labels_or_image=gray(), title="segmentation", vmax=255))

    # --- exercise checkers (exercises) ----------------------------------------------------
    answers = returning(garbage)
    for name in exercises.__all__:
        checker = getattr(exercises, name)
        if name.startswith("check_"):
            limit = {"timeout": 2.0} if "timeout" in inspect.signature(
                checker, follow_wrapped=False).parameters else {}
            S[name] = Spec(checker, lambda limit=limit: dict(fn=lambda *a: 0.0, quiet=True,
                                                             strict=False, **limit),
                           check_feedback, extra={"fn": answers},
                           allowed=(exercises.ExerciseError,))
    return S


SPECS = _specs()

# Module of each spec, to say whose it is in failure reports.
OWNERS = {"painless": "emcore", "mixture": "emcore", "naive": "emcore", "init": "emcore",
          "history": "emcore", "views": "views", "plotting": "views", "exercises": "exercises",
          "quiz": "exercises"}


# =============================================================================== running

class Hang(BaseException):
    """The call did not return in time (a BaseException, so no `except Exception` hides it)."""


def _alarm(signum, frame):
    raise Hang()


def names(message, name):
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


def _limit_memory():
    """Cap the address space at what is used now plus MEMORY_HEADROOM; return the old limits.

    A garbage size (n=2**31 samples) must end in a MemoryError, which the test reports, not in
    the kernel's OOM killer ending the whole test run (or a neighbour's process).
    """
    try:
        import resource
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):  # not Linux: no cap
        return None
    old = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + MEMORY_HEADROOM
    if old[1] != resource.RLIM_INFINITY:
        cap = min(cap, old[1])
    resource.setrlimit(resource.RLIMIT_AS, (cap, old[1]))
    return old


def _restore_memory(old):
    if old is not None:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, old)


def _save_std_fds():
    """Copies of file descriptors 0-2: ``open(1, "wb")`` is legal Python, so a path argument
    given the integer 1 writes into pytest's output and closes it unless the callee refuses."""
    return [os.dup(fd) for fd in (0, 1, 2)]


def _restore_std_fds(saved):
    touched = []
    for fd, copy in zip((0, 1, 2), saved):
        try:
            same = os.path.sameopenfile(fd, copy)
        except OSError:  # closed by the call
            same = False
        if not same:
            os.dup2(copy, fd)
            touched.append(fd)
        os.close(copy)
    return touched


def run(spec, kwargs, mutated, value):
    """Call with a time and memory limit; return None or a description of what went wrong."""
    before = {k: snapshot(v) for k, v in kwargs.items() if k not in spec.mutable}
    previous = signal.signal(signal.SIGALRM, _alarm)
    fds = _save_std_fds()
    memory = _limit_memory()
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    shown = f"{mutated}={_short(value)}"
    problem = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = spec.call(**kwargs)
            if spec.check is not None:
                try:
                    spec.check(result, kwargs)
                except Hang:
                    raise
                except Exception as exc:
                    problem = f"with {shown}: returned an invalid result ({type(exc).__name__}: {exc})"
    except Hang:
        problem = f"with {shown}: did not return within {HANG_SECONDS} s"
    except (ValueError, TypeError) as exc:
        message = str(exc)
        accepted = (mutated,) + spec.related.get(mutated, ())
        if not any(names(message, n) for n in accepted) and not isinstance(exc, spec.allowed):
            problem = (f"with {shown}: {type(exc).__name__} does not name {mutated!r}: "
                       f"{message[:300]!r}")
    except spec.allowed:
        pass
    except Exception as exc:
        problem = f"with {shown}: crashed with {type(exc).__name__}: {str(exc)[:300]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _restore_memory(memory)
        closed = _restore_std_fds(fds)
    if closed and problem is None:
        problem = f"with {shown}: closed the process's standard file descriptor(s) {closed}"
    if problem is None:
        changed = [k for k, v in before.items() if snapshot(kwargs[k]) != v]
        if changed:
            problem = f"with {shown}: modified its input(s) {changed} in place"
    return problem


def _short(value):
    from gmmlib._validate import show
    text = show(value)
    return text if len(text) < 90 else text[:87] + "..."


def owner(key):
    spec = SPECS[key]
    module = getattr(spec.call, "__module__", "") or ""
    if spec.call is not None and getattr(spec.call, "__name__", "") == "call":  # a method spec
        module = type(spec.args()["self"]).__module__
    name = module.rsplit(".", 1)[-1]
    return OWNERS.get(name.split("_")[0] if name.startswith("views_") else name, "validation")


@pytest.fixture(scope="module")
def clean_cache(tmp_path_factory):
    """fetch_clip must never touch the user's cache (nor the network) here, files written to a
    garbage path land in a temporary folder, and one BLAS thread: the arrays are tiny, and
    BLAS threads waiting on two busy cores made some calls ten times slower."""
    old = os.environ.get("GMMLIB_DATA")
    os.environ["GMMLIB_DATA"] = str(tmp_path_factory.mktemp("cache"))
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))  # a garbage str taken as a path writes here
    try:
        with threadpool_limits(1):
            yield
    finally:
        os.chdir(cwd)
    if old is None:
        del os.environ["GMMLIB_DATA"]
    else:
        os.environ["GMMLIB_DATA"] = old


# GMMLIB_GARBAGE_OWNERS=emcore,views runs only the specs of those helpers' modules.
_ONLY = {o for o in os.environ.get("GMMLIB_GARBAGE_OWNERS", "").split(",") if o}
KEYS = sorted(k for k in SPECS if not _ONLY or owner(k) in _ONLY)


@pytest.mark.parametrize("key", KEYS)
def test_valid_call_works_and_leaves_inputs_alone(key, clean_cache):
    spec = SPECS[key]
    kwargs = spec.args()
    problem = run(spec, kwargs, "(nothing)", "valid call")
    if key == "fetch_clip":  # offline route: the documented RuntimeError is the valid answer
        assert problem is None
        return
    assert problem is None, f"{key} [{owner(key)}]: {problem}"


# Strategies by spec and argument, built once: building them at every example cost hypothesis
# about as much time as drawing from them.
_STRATEGIES = {}


def strategy_for(key, kwargs, mutated=None):
    """The argument to replace (``mutated=None``), or the garbage for argument ``mutated``."""
    if (key, mutated) not in _STRATEGIES:
        spec = SPECS[key]
        _STRATEGIES[key, mutated] = (
            st.sampled_from(sorted(k for k in kwargs if k not in spec.fixed)) if mutated is None
            else garbage_for(kwargs[mutated], spec.extra.get(mutated)))
    return _STRATEGIES[key, mutated]


@pytest.mark.parametrize("key", KEYS)
@GARBAGE
@given(data=st.data())
def test_garbage_gets_a_clear_error_or_a_valid_result(key, data, clean_cache):
    spec = SPECS[key]
    kwargs = spec.args()
    mutated = data.draw(strategy_for(key, kwargs), label="argument")
    value = data.draw(strategy_for(key, kwargs, mutated), label="value")
    kwargs[mutated] = value
    problem = run(spec, kwargs, mutated, value)
    assert problem is None, f"{key} [{owner(key)}]: {problem}"


# =============================================================================== coverage

# Public by name but not entry points, with the reason.
EXEMPT = {
    # records the library builds and returns (dataclasses); users read them, not build them
    **{name: "a record gmmlib builds and returns" for name in (
        "EMResult", "Failure", "GuardEvent", "History", "History.append", "FailureCase",
        "PixelMixture", "ObjectTrack", "SyntheticScene", "MaskScores", "GraySegmentation",
        "ColourSegmentation", "BackgroundRun", "Feedback", "ExerciseError", "Verdict")},
    # no argument to validate
    **{name: "takes no argument" for name in (
        "Mixture.n_components", "Mixture.n_features", "Mixture.n_parameters", "EMResult.succeeded",
        "Feedback.message", "GraySegmentation.thresholds", "History.nbytes", "History.freeze",
        "History.guard_iterations", "BackgroundView.current_pixel",
        "BackgroundModel.weights_", "BackgroundModel.means_",
        "BackgroundModel.variances_", "BackgroundModel.background", "BackgroundModel.reset",
        "MaskScorer.result", "SyntheticScene.arrays", "ColourSegmentation.mean_colour_image",
        "SegmentationFigure.moving_artists",
        "cache_dir", "failure_cases",
        "History.gains", "EMResult.guard_events", "Mixture.compact_covariances")},
    # steps of painless_em / naive_em / K-means, called on arrays the entry point validated
    **{name: "an internal step, called only on data its entry point has validated" for name in (
        "QuadraticFeatures", "Whitener", "Whitener.forward", "Whitener.from_white",
        "Whitener.to_white", "cholesky", "cholesky_factors", "component_log_density",
        "e_step", "m_step", "means_init", "constrain_covariances", "n_covariance_parameters",
        "prior_penalty", "guard_covariance", "guard_covariances",
        "log_density_expanded", "rcond_batch", "resolve_init", "equal_range_init",
        "forgy_centroids", "kmeans", "kmeans_init", "mixture_from_labels",
        "refill_empty_clusters")},
    # the textbook layer: the formulas one line each, with no argument checks in the way of the
    # maths; naive_em, painless_em and the checkers call them on data they have validated
    **{name: "a textbook step (steps.py), called on data its caller has validated" for name in (
        "gaussian_density", "log_gaussian", "log_joint", "log_likelihood", "covariances_full",
        "covariance_penalty", "objective")},
    **{name: "the argument check of naive_em and painless_em: their garbage specs exercise it"
       for name in ("EMArguments", "validate_em_arguments")},
    **{name: "the stopping rule of naive_em and painless_em, called with the numbers of their own runs"
       for name in ("gain_is_small",)},
    # the steps of the Stauffer-Grimson model (gmmlib.stauffer_grimson), called by
    # BackgroundModel.apply on the state it built from validated frames, and by the view and
    # the checker on arrays they recorded from a model
    **{name: "an internal step, called only on data its entry point has validated" for name in (
        "rank_key", "rank", "squared_distances", "match", "background_components", "classify",
        "learning_rates", "update", "replace")},
    **{name: "a base class; the views built on it are its entry points" for name in (
        "BlitFigure", "SliderView", "KIterationView")},
    **{name: "a step of a view, called with the arguments the view has checked" for name in (
        "new_figure", "add_axes", "encode", "encode_small_png", "evenly_spaced",
        "hold_small_changes", "encode_apng", "shared_palette", "to_palette", "Animation.from_frames",
        "validate_max_frames", "validate_figsize", "validate_duration", "BlitFigure.invalidate",
        "BlitFigure.render")},
    **{name: "takes no argument" for name in (
        "Animation", "Animation.frames", "Animation.durations", "Animation.html",
        "BlitFigure.moving_artists", "BlitFigure.size", "SliderView.redraw", "SliderView.picture",
        "SliderView.summary", "SliderView.close", "SliderView.closed", "KIterationView.current_K",
        "SegmentationFigure.moving_artists", "projector_style")},
}


def public_api():
    """{name: object} of every public function, class and method of gmmlib's modules.

    A module's ``__all__`` decides when it has one; otherwise every name without a leading
    underscore defined in the module. Methods and properties of public classes are listed as
    ``Class.method``.
    """
    modules = [gmmlib] + [importlib.import_module(m.name)
                          for m in pkgutil.walk_packages(gmmlib.__path__, "gmmlib.")
                          if not any(part.startswith("_") for part in m.name.split("."))]
    api = {}
    for mod in modules:
        exported = getattr(mod, "__all__", None)
        for name in exported if exported is not None else list(vars(mod)):
            obj = getattr(mod, name)
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not obj.__module__.startswith("gmmlib") or (exported is None
                                                            and obj.__module__ != mod.__name__):
                continue
            api[name] = obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(
                            member, (property, classmethod, staticmethod))):
                        api[f"{name}.{attr}"] = member
    return api


def test_every_public_callable_is_covered():
    covered = {key.split("(")[0] for key in SPECS}
    missing = sorted(set(public_api()) - covered - set(EXEMPT))
    assert not missing, (f"public callables without a garbage spec in {__file__}: {missing}; "
                         "add a Spec (or an EXEMPT entry with the reason)")


def test_exemptions_and_specs_name_real_callables():
    api = set(public_api())
    stale = sorted(k for k in set(EXEMPT) | {key.split("(")[0] for key in SPECS} if k not in api)
    assert not stale, f"specs or exemptions for names that are not public any more: {stale}"
