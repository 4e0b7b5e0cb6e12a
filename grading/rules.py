"""What an answer may not call: the library's own version of what each exercise asks for.

An exercise asks the student to write something the library already has. During grading the
objects listed here are replaced, everywhere gmmlib holds them, by stubs that record the call and
raise; an answer that calls one scores 0 on that exercise, with a message naming it. numpy, scipy
and every other gmmlib function stay available. Every function of the checker package
(gmmlib.exercises) is always replaced: the checkers' references are never an answer.
"""

#: checker name -> "module:qualname" of the references an answer must not call.
FORBIDDEN = {
    "check_logsumexp": ["gmmlib.mixture:logsumexp"],
    "check_log_gaussian": ["gmmlib.mixture:component_log_density", "gmmlib.mixture:Mixture.component_log_density",
                           "gmmlib.steps:log_gaussian"],
    "check_e_step": ["gmmlib.mixture:Mixture.responsibilities", "gmmlib.steps:e_step", "gmmlib.fast:e_step"],
    "check_m_step": ["gmmlib.steps:m_step", "gmmlib.fast:m_step"],
    "check_rcond": ["gmmlib.guard:rcond", "gmmlib.guard:rcond_batch"],
    "check_bic": ["gmmlib.mixture:Mixture.bic"],
    "check_n_parameters": ["gmmlib.mixture:Mixture.n_parameters"],
    "check_n_parameters_by_type": ["gmmlib.mixture:Mixture.n_parameters"],
    "check_histogram": ["gmmlib.images:intensity_histogram"],
    "check_threshold": ["gmmlib.mixture:Mixture.predict"],
    "check_em_loop": ["gmmlib.painless:painless_em", "gmmlib.images:histogram_em", "gmmlib.steps:e_step",
                      "gmmlib.steps:m_step", "gmmlib.naive:naive_em"],
}

#: The package whose functions are never an answer (the checkers and their references).
CHECKER_PACKAGE = "gmmlib.exercises"


def forbidden_text(checker):
    """The sentence the release shows above an exercise: what its answer may not call."""
    names = [t.split(":")[1] for t in FORBIDDEN.get(checker, [])]
    listed = ", ".join(f"`{n}`" for n in names)
    return ("numpy, scipy and the rest of gmmlib are allowed"
            + (f"; calling {listed} (the library's own answer) scores 0" if names else "")
            + "; the checkers' internals are never an answer.")
