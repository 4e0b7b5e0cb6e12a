"""The checkers where students really are: debugging with np.seterr, answers in float32, a
loop with a bare `except:`, exceptions raised inside their own code, transposed results.

Each family runs over every checker with the correct answers of test_exercises.GOOD."""
import time

import numpy as np
import pytest

from gmmlib import exercises as ex
from gmmlib.exercises import sandbox
from test_exercises import CHECKERS, GOOD, WRONG, good_logsumexp, good_m_step, scipy_bic, whiten_divide_where

CASES = [(name, i) for name in sorted(GOOD) for i in range(len(GOOD[name]))]
IDS = [f"{name[6:]}-{i}" for name, i in CASES]


@pytest.fixture
def raise_on_every_float_error():
    """What a student types while hunting an underflow: every numpy warning becomes an error."""
    old = np.seterr(all="raise")
    try:
        yield
    finally:
        np.seterr(**old)


@pytest.mark.parametrize("name, i", CASES, ids=IDS)
def test_errstate_a_students_seterr_changes_nothing_a_checker_reports(name, i, raise_on_every_float_error):
    fb = CHECKERS[name](GOOD[name][i], quiet=True)
    assert fb, fb.message
    assert np.geterr()["divide"] == "raise"  # the student's own setting is left as it was


def test_errstate_a_wrong_answer_still_gets_its_hint_under_seterr_raise(raise_on_every_float_error):
    fb = ex.check_logsumexp(lambda a: np.log(np.sum(np.exp(a))), quiet=True)
    assert fb.case == "two tiny terms" and "Subtract m = max(a) first" in fb.hint


def _to_float32(value):
    """The answer as a float32 computation would return it (tuples item by item)."""
    if isinstance(value, tuple):
        return tuple(_to_float32(v) for v in value)
    if isinstance(value, (float, np.floating)) or isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.float32(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float32)
    return value


@pytest.mark.parametrize("name, i", CASES, ids=IDS)
def test_float32_an_answer_rounded_to_float32_passes_or_is_told_to_use_float64(name, i):
    def rounded(*args, fn=GOOD[name][i]):
        return _to_float32(fn(*args))
    fb = CHECKERS[name](rounded, quiet=True)
    assert fb or "compute in float64" in fb.hint, fb.message
    assert "forgot" not in fb.hint and "you subtracted" not in fb.hint, fb.message


def _float32_inputs(value):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float32)
    return np.float32(value) if isinstance(value, float) else value


@pytest.mark.parametrize("name, i", CASES, ids=IDS)
def test_float32_data_rounded_before_a_float64_computation_passes_or_is_told_to_use_float64(name, i):
    """The student's habit X = X.astype(np.float32) before an otherwise right float64 answer."""
    def from_float32(*args, fn=GOOD[name][i]):
        return fn(*[_float32_inputs(a) for a in args])
    fb = CHECKERS[name](from_float32, quiet=True)
    assert fb or "compute in float64" in fb.hint, fb.message


@pytest.mark.parametrize("wrong", WRONG, ids=[f"{w[0][6:]}-{w[2]}" for w in WRONG])
def test_float32_no_wrong_answer_is_mistaken_for_rounding(wrong):
    name, fn, _, _ = wrong
    fb = CHECKERS[name](fn, quiet=True)
    assert not fb.hint.startswith("your answer"), fb.message


def lse_float32(a):
    a = np.asarray(a, dtype=np.float32)
    m = a.max()
    return m if not np.isfinite(m) else m + np.log(np.sum(np.exp(a - m)))


def whiten_float32(X):
    X = np.asarray(X, dtype=np.float32)
    mean, std = X.mean(axis=0), X.std(axis=0)
    std = np.where(std > 0, std, np.float32(1))
    return (X - mean) / std, mean, std


@pytest.mark.parametrize("checker, fn", [
    (ex.check_logsumexp, lse_float32),
    (ex.check_logsumexp, lambda a: float(lse_float32(a))),  # float32 digits handed back as a Python float
    (ex.check_bic, lambda m, X: np.float32(scipy_bic(m, X))),
    (ex.check_whiten, whiten_float32),
], ids=["logsumexp", "logsumexp-as-python-float", "bic", "whiten"])
def test_float32_a_correct_float32_computation_passes(checker, fn):
    fb = checker(fn, quiet=True)
    assert fb, fb.message


def test_float32_a_wrong_float32_answer_still_gets_the_right_hint():
    fb = ex.check_logsumexp(lambda a: np.float32(np.log(np.sum(np.exp(a)))), quiet=True)
    assert fb.case == "two tiny terms" and "Subtract m = max(a) first" in fb.hint


def test_float16_is_told_to_compute_in_float64():
    fb = ex.check_logsumexp(lambda a: np.float16(good_logsumexp(a)), quiet=True)
    assert not fb and fb.hint.startswith("your answer is float16") and "compute in float64" in fb.hint


# ------------------------------------------------------------------ a loop that catches everything

def _exercise_threads():
    import threading
    return [t for t in threading.enumerate() if t.name == "gmmlib-exercise"]


def test_a_loop_with_a_bare_except_is_reported_as_catching_the_stop_request(monkeypatch):
    monkeypatch.setattr(sandbox, "STOP_GRACE", 0.3)
    state = {"stop": False}

    def stubborn(a):
        while not state["stop"]:  # the test's own way out, so the thread ends after the check
            try:
                while not state["stop"]:
                    pass
            except:  # noqa: E722  (the student's habit under test)
                pass
    try:
        t0 = time.perf_counter()
        fb = ex.check_logsumexp(stubborn, timeout=0.2, quiet=True)
        assert time.perf_counter() - t0 < 3
        assert "catches the stop request" in fb.hint and "`except Exception:`" in fb.hint
        assert "line" in fb.hint and "`except:`" in fb.hint  # the catching line is named
        assert "C call" not in fb.hint
    finally:
        state["stop"] = True
        for thread in _exercise_threads():
            thread.join(3)
    assert not _exercise_threads()


def test_a_c_call_is_still_reported_as_a_c_call(monkeypatch):
    monkeypatch.setattr(sandbox, "STOP_GRACE", 0.2)
    fb = ex.check_logsumexp(lambda a: time.sleep(0.6), timeout=0.2, quiet=True)
    assert "stuck inside one long C call" in fb.hint and "catches the stop request" not in fb.hint
    for thread in _exercise_threads():
        thread.join(3)


# ------------------------------------------------------------------ exceptions and shapes

def test_a_type_error_inside_the_students_code_is_that_error_with_its_line():
    def my_m_step(X, resp):
        Nk = resp.sum(axis=0)
        return Nk / len(X), resp.T @ X / Nk[:, None], np.linalg.solve(resp)  # forgot b
    fb = ex.check_m_step(my_m_step, quiet=True)
    assert fb.hint.startswith("your function raised TypeError: solve() missing 1 required"), fb.hint
    assert "line" in fb.hint and "np.linalg.solve(resp)" in fb.hint
    assert "could not be called" not in fb.hint


def test_wrong_parameters_are_still_told_so():
    for fn in (lambda X: X, lambda X, resp, extra: X):
        fb = ex.check_m_step(fn, quiet=True)
        assert "could not be called with 2 arguments (X, resp)" in fb.hint


def test_a_broadcasting_crash_names_the_line_and_the_shapes():
    def my_m_step(X, resp):
        X = X.astype(float)
        Nk = resp.sum(axis=0)
        means = resp.T @ X / Nk
        return good_m_step(X, resp)[0], means, good_m_step(X, resp)[2]
    fb = ex.check_m_step(my_m_step, quiet=True)
    assert fb.case.startswith("1-D, soft responsibilities: means")  # (K, 1) / (K,) -> (K, K), no crash
    assert "Nk[:, None]" in fb.hint

    def my_m_step_2d(X, resp):
        return my_m_step(X, resp) if X.shape[1] > 1 else good_m_step(X, resp)
    fb = ex.check_m_step(my_m_step_2d, quiet=True)
    assert fb.case == "2-D, three components" and "ValueError" in fb.hint
    assert "`means = resp.T @ X / Nk`" in fb.hint and "Nk[:, None]" in fb.hint


def test_transposed_means_get_the_m_steps_wording_not_the_e_steps():
    fb = ex.check_m_step(lambda X, r: (good_m_step(X, r)[0], good_m_step(X, r)[1].T, good_m_step(X, r)[2]),
                         quiet=True)
    assert "one row per component, one column per feature" in fb.hint
    assert "per point" not in fb.hint
    fb = ex.check_e_step(lambda X, w, m, c: GOOD["check_e_step"][1](X, w, m, c).T, quiet=True)
    assert "one row per point, one column per component" in fb.hint


def test_whiten_accepts_every_answer_its_rule_allows_and_hints_in_order():
    assert ex.check_whiten(whiten_divide_where, quiet=True)
    # a std with ddof=1 next to a Z divided by the ddof=0 one: the std is allowed, Z must follow it
    fb = ex.check_whiten(lambda X: (whiten_divide_where(X)[0], X.mean(0), X.std(0, ddof=1)), quiet=True)
    assert fb.case.endswith(": Z") and "the very std you return" in fb.hint
    # the variance in place of the std is named on the std, before Z is looked at
    fb = ex.check_whiten(lambda X: ((X - X.mean(0)) / X.std(0), X.mean(0), X.var(0)), quiet=True)
    assert fb.case.endswith(": std") and "that is the variance" in fb.hint
