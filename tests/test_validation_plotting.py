"""Hand-written cases for the bad inputs the garbage suite found in plotting, the views, the quiz,
the checkers' options and painless EM: each gets a ValueError/TypeError that names the argument
(and, where there is one, says what to do), never a KeyError, an IndexError from inside numpy,
a matplotlib TypeError or a write into the process's stdout."""
import numpy as np
import pytest
from matplotlib.figure import Figure

import gmmlib
from gmmlib import Mixture, plotting, quiz, views
from gmmlib import exercises as ex
from gmmlib.painless import validate_init


def raises(kind, *words):
    return pytest.raises(kind, match="(?s)" + "".join(f"(?=.*{w})" for w in words))


@pytest.fixture(scope="module")
def X1():
    rng = np.random.default_rng(1)
    return np.r_[rng.normal(0, 1, 15), rng.normal(6, 1, 15)]


@pytest.fixture(scope="module")
def runs(X1):
    return {K: gmmlib.painless_em(X1, K, max_iter=2) for K in (1, 2)}


@pytest.fixture(scope="module")
def run():
    frames = np.stack([np.full((8, 8), 60 + t, np.uint8) for t in range(3)])
    return views.record_background(gmmlib.BackgroundModel(), frames, [(2, 3)])


MIX1 = Mixture(np.array([0.5, 0.5]), np.array([[60.0], [180.0]]), np.array([[[200.0]], [[300.0]]]))
MIX2 = Mixture(np.array([0.4, 0.6]), np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([np.eye(2)] * 2))


def test_component_numbers_and_counts():
    with raises(TypeError, "k must be a whole number", "None"):
        plotting.colour(None)
    with raises(ValueError, "K must be", "256", "1000000"):
        plotting.component_colormap(10 ** 6)
    assert plotting.component_colormap(8).N == 8


def test_drawing_helpers_name_a_missing_axes_or_data():
    with raises(TypeError, "ax must be a matplotlib Axes", "plt.subplots"):
        plotting.readable(None)
    with raises(TypeError, "ax must be a matplotlib Axes", "add_subplot"):
        plotting.histogram_1d(Figure(), [1.0, 2.0])
    with raises(TypeError, "X is None"):
        plotting.grid_1d(None)


def test_bins_finer_than_float64_can_hold_name_X():
    """Values near 9e18 a few units apart: np.histogram's 'Too many bins' named nothing."""
    ax = Figure().add_subplot()
    with raises(ValueError, "X", "bins of finite width", "offset"):
        plotting.histogram_1d(ax, 2 ** 63, bins=10)
    with raises(ValueError, "X", "bins of finite width"):
        plotting.responsibility_histogram(ax, np.full(4, 2.0 ** 62), np.full((4, 1), 1.0), bins=10)


def test_a_mixture_of_the_wrong_dimension_is_refused_by_name():
    with raises(ValueError, "mixture has d=1", "2-D"):
        plotting.weighted_log_densities_2d(MIX1, np.zeros((3, 2)))
    with raises(ValueError, "mixture has d=2", "1-D"):
        plotting.component_pdfs(MIX2, np.linspace(0, 1, 5))


def test_no_points_give_no_densities():
    assert plotting.weighted_log_densities_2d(MIX2, np.zeros((0, 2))).shape == (2, 0)
    assert plotting.log_density_2d(MIX2, np.zeros((0, 2))).shape == (0,)


@pytest.mark.parametrize("figsize, kind, words", [
    (np.array([[8.0, 3.0]]), TypeError, ("figsize", "(width, height)")),
    ((1e300, 1e300), ValueError, ("figsize", "at most")),
    ((8.0, 1e-3), ValueError, ("figsize", "height")),
    ("8x3", TypeError, ("figsize",)),
    ((True, 3), TypeError, ("figsize",)),
])
def test_figsize_is_checked_before_matplotlib_sees_it(X1, runs, figsize, kind, words):
    with raises(kind, *words):
        views.EMFigure(X1, runs, figsize=figsize)


def test_an_array_figsize_of_the_right_size_is_accepted(X1, runs):
    assert views.EMFigure(X1, runs, figsize=np.array([6.7, 1.5])).fig is not None


def test_K_and_t_outside_the_runs_are_refused_by_name(X1, runs):
    figure = views.EMFigure(X1, runs, figsize=(6.7, 1.5))
    with raises(TypeError, "K must be a whole number", "None"):
        figure.draw(None, 0)
    with raises(ValueError, "K=5 was not computed", r"\[1, 2\]"):
        figure.draw(5, 0)
    view = views.EMView(X1, runs, figsize=(6.7, 1.5))
    with raises(ValueError, "K=7 was not computed"):
        view.last_iteration(7)


def test_background_figure_steps_are_checked(run):
    figure = views.BackgroundFigure(run, figsize=(6.7, 1.5))
    with raises(TypeError, "p must be a whole number", "None"):
        figure.draw(1, p=None)
    with raises(ValueError, "t must be", "2"):
        figure.draw(3)
    with raises(TypeError, "run must be the BackgroundRun"):
        views.background_caption({"t": 1}, 1)


def test_an_animation_is_saved_to_a_path_only(X1, runs, tmp_path):
    animation = views.EMView(X1, runs, figsize=(6.7, 1.5)).animation(K=1, max_frames=2)
    with raises(TypeError, "path must be a file path"):
        animation.save(1)  # open(1, "wb") would write into stdout and close it
    with raises(ValueError, "path", "null character"):
        animation.save(b"\x00")
    with raises(ValueError, "path", "is a folder"):
        animation.save(tmp_path)
    animation.save(tmp_path / "a.png")
    assert (tmp_path / "a.png").read_bytes() == animation.data


@pytest.mark.parametrize("option", ["quiet", "strict"])
@pytest.mark.parametrize("value", [None, "yes", 2, np.array([True])])
def test_checker_options_quiet_and_strict_must_be_booleans(option, value):
    with raises(TypeError, option):
        ex.check_rcond(gmmlib.rcond, **{"quiet": True, option: value})


@pytest.mark.parametrize("timeout", [10 ** 400, float("inf"), -1, 0, "5", True],
                         ids=["10**400", "inf", "-1", "0", "str", "bool"])
def test_a_timeout_outside_0_to_1e6_seconds_is_refused(timeout):
    with raises((TypeError, ValueError), "timeout"):
        ex.check_rcond(gmmlib.rcond, quiet=True, timeout=timeout)


def test_quiz_author_mistakes_name_the_argument():
    question = dict(question="How many?", options=["one", "two"], answer=2, response=2, quiet=True)
    with raises(TypeError, "why must be a dict"):
        quiz.ask(**question, why=["no"])
    with raises(TypeError, r"why\[1\] must be a string"):
        quiz.ask(**question, why={1: 3})
    with raises(ValueError, "why must map wrong option numbers"):
        quiz.ask(**question, why={2: "the answer itself"})
    with raises(TypeError, "options must be a list of at least two strings"):
        quiz.ask(**dict(question, options="one two"))
    with raises(ValueError, "why gives hints for wrong options", "options=None"):
        quiz.ask("How many?", answer=2.0, response=2, why={1: "x"}, quiet=True)
    with raises(TypeError, "quiet"):
        quiz.ask(**dict(question, quiet="no"))
    assert quiz.ask(**question, why={1: "one bump only"})


def test_check_init_wants_whole_numbers_for_K_and_d():
    with raises(TypeError, "K must be a whole number"):
        validate_init("kmeans", np.array([2]), 2)
    with raises(TypeError, "d must be a whole number"):
        validate_init("kmeans", 2, np.array([[2]]))


def test_data_at_1e_300_is_refused_with_the_fix():
    with raises(ValueError, "X has a spread of only", "Rescale X"):
        gmmlib.painless_em(np.arange(30.0) * 1e-300, 2)


def test_animation_durations_are_checked_before_any_frame_is_drawn(X1, runs, run, monkeypatch):
    from gmmlib import views_base

    def no_drawing(self):
        raise AssertionError("a frame was drawn before the arguments were checked")
    em_view = views.EMView(X1, runs, figsize=(6.7, 1.5))
    background_view = views.BackgroundView(run, figsize=(6.7, 1.5))
    monkeypatch.setattr(views_base.BlitFigure, "render", no_drawing)
    with raises(ValueError, "frame_ms"):
        em_view.animation(K=1, frame_ms="fast")
    with raises(ValueError, "hold_ms"):
        background_view.animation(hold_ms=1e9)
    with raises(ValueError, "frame_ms", "too large"):  # np.isfinite(10**400) is a numpy TypeError
        background_view.animation(frame_ms=10 ** 400)
    with raises((TypeError, ValueError), "tolerance"):
        background_view.animation(tolerance=-1)


def test_a_view_checks_K_and_iteration_before_building_its_figure(X1, runs, monkeypatch):
    from gmmlib import views_em
    built = []
    real = views_em.EMFigure
    monkeypatch.setattr(views_em, "EMFigure", lambda *a, **k: built.append(1) or real(*a, **k))
    with raises(ValueError, "K=9 was not computed"):
        views.EMView(X1, runs, K=9, figsize=(6.7, 1.5))
    with raises(TypeError, "iteration must be a whole number"):
        views.EMView(X1, runs, iteration="last", figsize=(6.7, 1.5))
    assert not built
    views.EMView(X1, runs, K=2, figsize=(6.7, 1.5))
    assert built == [1]


@pytest.mark.parametrize("scale", [None, "micro", float("nan"), 0.0, -1.0, 1e301])
def test_crossing_clusters_checks_its_scale(scale):
    with raises((TypeError, ValueError), "scale"):
        gmmlib.datasets.crossing_clusters(scale=scale)
