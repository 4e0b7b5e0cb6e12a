"""Checkers for the notebooks' exercises: feedback without a teacher.

Each ``check_*`` function calls your function on a few cases, the friendly ones first and then
hostile ones (numbers that underflow, a singular matrix, uint8 pixels...), compares the answer
with a trusted reference (the textbook steps of ``gmmlib.steps``, scipy, OpenCV) and prints
either a short "correct" line or the case that failed: its inputs, what was expected, what your
function returned, and a hint about where to look.

    >>> import numpy as np
    >>> from gmmlib.exercises import check_logsumexp
    >>> _ = check_logsumexp(lambda a: np.log(np.sum(np.exp(a))))  # doctest: +ELLIPSIS
    ✗ logsumexp failed on the case 'two tiny terms'
        input     a = [-1000, -1001]
        expected  -999.687
        got       -inf
      Hint: every exp(a_k) underflowed to 0.0, and log 0 = -inf. Subtract m = max(a) first: log sum
            exp(a) = m + log sum exp(a - m); the largest term becomes exp(0) = 1.

A checker never raises because of your answer: an exception, a wrong type or shape, NaN, a
number too large for a float or a function that never returns all become feedback. Options
shared by every checker:

- ``timeout=5``: seconds each call of your function may take. A call that does not return in
  time is stopped (an endless loop is the usual reason) and reported; ``timeout=None`` waits
  for ever (the kernel's Interrupt button then stops it). Your function runs in a separate
  thread, and a late one is stopped by raising an exception inside that thread (CPython's
  ``PyThreadState_SetAsyncExc``): this works the same on Linux, macOS and Windows, unlike
  ``signal.alarm``, and leaves the kernel usable. Its limits: the exception lands between two
  Python instructions, so code stuck inside one long C call (``time.sleep(1e9)``) cannot be
  stopped, and neither can a loop that catches every exception (a bare ``except:``); the
  checker then says which of the two it is and returns anyway.
- ``quiet=True`` prints nothing, ``strict=True`` raises ``ExerciseError`` on a failure.

Every checker returns a ``Feedback`` (truthy when all cases pass). Your function runs on fresh
copies of the inputs, with numpy warnings silenced: a wrong answer is reported as a wrong
answer, not as a warning. The checkers compute under their own ``np.errstate``, so
``np.seterr(all="raise")`` while debugging changes nothing they report, and an answer computed
in float32 is judged at float32 precision. The notation is the notebooks': points x_i, counts c_i,
responsibilities r_ik, weights pi_k, means mu_k, covariances Sigma_k, N_k = sum_i r_ik.

Which notebook uses which checker:
01 ``check_m_step``, ``check_e_step``;
02 ``check_lower_bound``;
03 ``check_logsumexp``, ``check_log_gaussian``, ``check_e_step``, ``check_rcond``;
04 ``check_bic``, ``check_n_parameters``, ``check_n_parameters_by_type``;
05 ``check_histogram``, ``check_threshold``, ``check_em_loop``;
06 ``check_whiten``, ``check_log_likelihood_ratio``;
07 ``check_frames_to_absorb``, ``check_first_match``, ``check_mog2_masks``.

The package, one reason to change per module: ``sandbox`` runs your function (time limit,
stopping its thread), ``feedback`` is what you read, ``answers`` reads what your function
returned, ``session`` is the machinery every checker shares, and the checkers themselves live
by part of the course: ``em`` (01, 03), ``theory`` (02), ``model_choice`` (04),
``segmentation`` (05), ``colour`` (06) and ``background`` (07).
"""
from .background import check_first_match, check_frames_to_absorb, check_mog2_masks
from .colour import check_log_likelihood_ratio, check_whiten
from .em import check_e_step, check_log_gaussian, check_logsumexp, check_m_step, check_rcond
from .feedback import ExerciseError, Feedback
from .model_choice import check_bic, check_n_parameters, check_n_parameters_by_type
from .segmentation import check_em_loop, check_histogram, check_threshold
from .session import DEFAULT_TIMEOUT
from .theory import check_lower_bound

__all__ = ["DEFAULT_TIMEOUT", "ExerciseError", "Feedback", "check_bic", "check_e_step",
           "check_em_loop", "check_first_match", "check_frames_to_absorb", "check_histogram",
           "check_log_gaussian", "check_log_likelihood_ratio", "check_logsumexp",
           "check_lower_bound", "check_m_step", "check_n_parameters_by_type",
           "check_mog2_masks", "check_n_parameters", "check_rcond", "check_threshold",
           "check_whiten"]
