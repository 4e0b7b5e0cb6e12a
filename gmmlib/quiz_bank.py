"""The course's quiz questions, by id: text, options, key, feedback for every wrong option.

A notebook's quiz cell holds only the id and the student's answer, ``ask("01.row-sums",
response=None)``; the key lives here, out of the cell a student reads. Ids are
``"<notebook number>.<a few words>"`` and each is asked by exactly one notebook cell
(tests/test_quizzes.py checks that, and recomputes every key that a number decides).

Each entry is a dict:

``text``
    The question.
``options``
    The choices, numbered from 1 in the order shown; absent for a numeric question.
``answer``
    The number of the right option, or the right number.
``why``
    For a multiple-choice question, {wrong option number: why that option is wrong}, for every
    wrong option.
``explain``
    Why the answer is right, shown once the student has it.
``tol``
    For a numeric question, how far from ``answer`` still counts as right (default 0).

Across the course the right option sits at each position about equally often, and it is not
the longest option more often than chance would make it (the tests print both shares). Whoever
adds or reorders options reruns tests/test_quizzes.py.
"""

__all__ = ["QUESTIONS"]

QUESTIONS = {
    # ------------------------------------------------------------------ 00 · before you start
    "00.bayes-posterior": dict(
        text="A point x has density 0.30 under component 1 and 0.05 under component 2; the weights "
             "are pi_1 = 0.2 and pi_2 = 0.8. What is the posterior probability that x came from "
             "component 1?",
        answer=0.6,
        tol=0.005,
        explain="Bayes: pi_1 N_1 / (pi_1 N_1 + pi_2 N_2) = 0.06 / (0.06 + 0.04) = 0.6. The wider "
                "prior of component 2 does not outweigh its much lower density at x."),
    "00.mahalanobis": dict(
        text="mu = (0, 0), Sigma = diag(4, 1), x = (2, 1). The Mahalanobis distance of x from mu is",
        options=["2.236", "2", "1.12", "1.41"],
        answer=4,
        why={1: "That is the Euclidean distance sqrt(2^2 + 1^2): it ignores that the first "
                "coordinate has standard deviation 2.",
             2: "That is Delta squared, (2^2)/4 + (1^2)/1 = 2: take its square root.",
             3: "That divides each coordinate by its variance (2/4, 1/1) instead of its standard "
                "deviation (2/2, 1/1)."},
        explain="Delta^2 = (x - mu)^T Sigma^-1 (x - mu) = 2^2/4 + 1^2/1 = 2, so Delta = sqrt(2) = "
                "1.41: x is one standard deviation out along each axis."),
    "00.exp-underflow": dict(
        text="From which whole number n on does np.exp(-n) in float64 return exactly 0.0?",
        answer=746,
        explain="np.exp(-745) is still 5e-324, the smallest positive (subnormal) float64; np.exp(-746) "
                "rounds to 0. A product of a few hundred densities goes below that, its log does not."),
    "00.lagrange-weight": dict(
        text="Maximise 20 log pi_1 + 50 log pi_2 + 30 log pi_3 subject to pi_1 + pi_2 + pi_3 = 1 "
             "and pi_k >= 0. What is the best pi_2?",
        answer=0.5,
        tol=0.005,
        explain="pi_k = N_k / lambda and the constraint gives lambda = 20 + 50 + 30 = 100, so "
                "pi_2 = 50 / 100 = 0.5."),
    "00.broadcast-shape": dict(
        text="X has shape (300, 2) and means has shape (3, 2). The shape of X[:, None, :] - means is",
        options=["(3, 300, 2)", "(300, 2)", "a broadcasting error", "(300, 3, 2)"],
        answer=4,
        why={1: "Broadcasting keeps X's axis order: X[:, None, :] is (300, 1, 2), so the 300 "
                "points come first.",
             2: "The new axis of length 1 is stretched to 3, one difference per mean: the result "
                "has three axes.",
             3: "(300, 1, 2) and (3, 2) line up from the right: 2 with 2, 1 with 3 (a length-1 axis "
                "stretches); the missing axis is added at the front."},
        explain="(300, 1, 2) minus (3, 2), read as (1, 3, 2), broadcasts to (300, 3, 2): for every "
                "point and every mean, their difference in d = 2 coordinates."),

    # ------------------------------------------------------------------ 01 · EM in one dimension
    "01.row-sums": dict(
        text="Every row of the responsibilities r_ik (one row per point x_i) sums to",
        options=["0", "the weight pi_k", "1", "the number of points N"],
        answer=3,
        why={1: "Every r_ik is a probability, so none is negative, and at least one of a row is positive.",
             2: "The weights sum to 1 over k, but a row holds the posteriors of one point, not the weights.",
             4: "That bounds what a COLUMN of r sums to (N_k <= N), not a row."},
        explain="r_ik is the posterior probability that x_i came from component k; over the K "
                "components these probabilities sum to 1: each point hands out one unit of ownership."),
    "01.log-likelihood-climbs": dict(
        text="In plain maximum-likelihood EM (prior=0, no guard event), from one iteration to the next "
             "the log-likelihood of the data",
        options=["never goes down", "can go up or down", "goes up by at least tol every time"],
        answer=1,
        why={2: "Look at the gains printed above: not one is negative.",
             3: "tol is where EM stops: the last gain is below it, so not every gain reaches it."},
        explain="Each E-step builds a lower bound that touches the log-likelihood at the current "
                "parameters, and each M-step maximises that bound (notebook 02). EM can stall on a "
                "plateau, which is why the run stops when the gain falls below tol. With gmmlib's "
                "default prior the same holds for the objective EM climbs (log L minus the prior's "
                "penalty), not for log L itself."),
    "01.largest-log-likelihood": dict(
        text="Of the runs results[K] for K = 1, 2, 3, 4 above, which K has the largest log-likelihood?",
        answer=4,
        explain="K = 4: a mixture with more components can do everything a smaller one can (give the "
                "extra component weight zero), so its best log-likelihood is never lower. The gain from "
                "2 to 4 is tiny next to the gain from 1 to 2; a criterion that charges for the extra "
                "parameters, such as BIC (notebook 04), picks K = 2."),

    # ------------------------------------------------------------------ 02 · why EM works
    "02.gap-after-e-step": dict(
        text="Right after an E-step (q = r, the posterior under the current theta), the gap "
             "log L(theta) - B(q, theta) is",
        options=["positive", "negative", "it depends on the data", "zero"],
        answer=4,
        why={1: "It is positive for any OTHER q: the gap is a sum of KL divergences from r.",
             2: "Jensen: B never exceeds log L, so the gap is never negative.",
             3: "KL(r || r) = 0 whatever the data."},
        explain="The gap is sum_i c_i KL(q_i || r_i), which is zero exactly at q = r: the E-step makes "
                "the bound touch log L at the current parameters. The M-step then lifts the bound, "
                "and log L with it."),
    "02.lagrange-multiplier": dict(
        text="A histogram has 3 levels with counts c = (10, 30, 60). In the weights' M-step the Lagrange "
             "multiplier lambda (pi_k = N_k / lambda) equals",
        answer=100,
        explain="Summing pi_k = N_k / lambda over k gives 1 = sum_k N_k / lambda, so lambda = sum_k N_k "
                "= sum_i c_i sum_k r_ik = sum_i c_i = 100: the total count, whatever the responsibilities."),
    "02.k-means-limit": dict(
        text="EM with every covariance fixed to sigma^2 I and every weight to 1/K becomes K-means when",
        options=["sigma shrinks to zero", "sigma grows without bound", "K grows",
                 "the weights are learned instead of fixed"],
        answer=1,
        why={2: "Then every r_ik tends to 1/K: all means collapse onto the data's mean.",
             3: "K is the same number in both algorithms; changing it does not turn one into the other.",
             4: "The weights do not decide it: as sigma -> 0 the term log pi_k is negligible next to "
                "|x_i - mu_k|^2 / 2 sigma^2, so learned weights drop out too (as long as none is zero). "
                "It is sigma -> 0 that makes the assignments hard."},
        explain="r_ik is proportional to pi_k exp(-|x_i - mu_k|^2 / 2 sigma^2); as sigma -> 0 the nearest "
                "mean takes all the responsibility (whatever the nonzero weights), and the M-step's means "
                "become the centroids of the points nearest to them: Lloyd's step (Bishop 2006, 9.3.2)."),

    # ------------------------------------------------------------------ 03 · naive versus painless EM
    "03.underflow": dict(
        text="In float64, np.log(np.exp(-1000) + np.exp(-1001)) gives",
        options=["-999.69", "-inf", "-1000", "NaN"],
        answer=2,
        why={1: "That is the true value, and what logsumexp returns; the naive formula never gets there.",
             3: "-1000 is the larger of the two exponents, what taking the maximum alone would give.",
             4: "NaN comes from 0/0, as in the naive E-step; here there is no division."},
        explain="exp(-1000) underflows to 0.0 (the smallest positive float64 is about 5e-324), the sum "
                "is 0.0 and log 0 = -inf. Pulling out the maximum, -1000 + log(1 + e^-1) = -999.69."),
    "03.rcond-of-zero": dict(
        text="The 12 saturated pixels all equal to (255, 255) have the zero matrix as covariance. Its "
             "RCOND is",
        options=["1", "1e-10", "infinity", "0"],
        answer=4,
        why={1: "1 is a perfectly round covariance, such as the identity.",
             2: "1e-10 is the guard's threshold, not the RCOND of this matrix.",
             3: "Infinity is the condition number of a singular matrix; RCOND is its reciprocal."},
        explain="A singular matrix has no inverse: RCOND = 1 / (||S||_1 ||S^-1||_1) is 0, the worst "
                "possible conditioning, and the guard (RCOND <= 1e-10) would replace the covariance."),
    "03.variance-floor": dict(
        text="With prior=0 and the guard on, a component has collapsed onto one point and sits at the "
             "variance floor. You lower var_floor from 1e-6 to 1e-8. The final log-likelihood",
        options=["stays the same", "falls by ln 10, about 2.30", "rises by ln 10, about 2.30", "becomes +inf"],
        answer=3,
        why={1: "The collapsed component's variance is the floor, so its log-density depends on it.",
             2: "A narrower spike on the point gives that point a higher density, not a lower one.",
             4: "The floor still caps the variance, so log L stays finite; it is the floor that sets it."},
        explain="The spike's log-density is -1/2 log(variance) plus a constant: half of ln 10 per decade "
                "of floor, so two decades give ln 10 = 2.30. The floor, not the data, sets log L."),
    "03.guard-and-convergence": dict(
        text="In the last iteration of a run the objective rose by less than tol, but the guard replaced "
             "a covariance in that iteration. The run is",
        options=["not converged", "converged",
                 "converged if the objective rose, not converged if it fell"],
        answer=1,
        why={2: "The guard's replacement is not an EM step: a small change says nothing about a maximum.",
             3: "The guard event alone rules it out, whatever the sign of the change."},
        explain="A run is converged only when its last iteration was a plain EM step (no guard event) "
                "that raised the objective by a non-negative amount below tol. With a guard event, the "
                "small change may be the guard undoing the same collapse again and again."),

    # ------------------------------------------------------------------ 04 · EM in two dimensions
    "04.bic-k": dict(
        text="Which K does BIC choose for this notebook's 2-D data (K = 1 to 6, any covariance type)?",
        answer=2,
        explain="K = 2 for every type, the number of clouds the data came from: beyond it the "
                "log-likelihood still rises a little, but each extra component costs several "
                "parameters at log N each."),
    "04.bic-covariance-type": dict(
        text="At K = 2, which covariance type gives the lowest BIC for this notebook's data?",
        options=["full", "spherical", "diag", "tied"],
        answer=3,
        why={1: "Full fits best, but by only 0.48 in log L: not worth 2 parameters at log 300 each.",
             2: "Circles fit the elongated clouds much worse (log L about 11 lower).",
             4: "The two clouds have different shapes; one shared ellipse fits worse."},
        explain="diag: the clouds are almost aligned with the axes, so the off-diagonal covariances "
                "of full buy almost no likelihood for their price in BIC."),
    "04.parameter-count": dict(
        text="How many free parameters has a full-covariance mixture of K = 3 components in d = 3 "
             "dimensions (RGB colours)?",
        answer=29,
        explain="(K - 1) + K d + K d (d + 1) / 2 = 2 + 9 + 18 = 29: two free weights (the third is "
                "1 minus the others), three 3-D means, three symmetric 3 x 3 covariances of 6 entries each."),
    "04.label-order": dict(
        text="From its own start (random_state=3), scikit-learn's component 1 is our component 0, and its "
             "0 is our 1. What does that tell you?",
        options=["nothing: component numbers are arbitrary", "the two fits disagree",
                 "scikit-learn sorts components by weight"],
        answer=1,
        why={2: "Once matched, the weights, means and covariances agree within 1e-3.",
             3: "It does not sort them: the order comes from each library's start."},
        explain="A mixture is the same model whatever order its components are listed in (label "
                "permutation); each library's start decides the numbering, so compare after matching."),

    # ------------------------------------------------------------------ 05 · the cameraman
    "05.histogram-vs-pixels": dict(
        text="EM on the 256-level histogram (counts as weights) and EM on all 262,144 pixels, from "
             "the same start, end at",
        options=["different mixtures: the histogram loses information",
                 "the same mixture, up to rounding",
                 "the same mixture only for K = 2"],
        answer=2,
        why={1: "A uint8 image has only 256 values: the histogram is the data with repetitions "
                "counted, nothing is lost.",
             3: "Nothing in the argument depends on K: look at the K = 2..5 comparison above."},
        explain="Every sum over pixels groups into a sum over levels, each term counted c_i times: "
                "weighted EM does the same arithmetic in a different order, at a cost set by 256 "
                "levels instead of the number of pixels."),
    "05.darker-than-otsu": dict(
        text="With K = 2, EM's threshold is much darker than Otsu's (the figure of the thresholds "
             "section). Why?",
        options=["EM leaves the class weights out of its decision, so the small dark class gets too little room",
                 "Otsu's method only tries the levels above the mean grey level, so it cannot cut darker",
                 "the bright class is a wide Gaussian, whose density stays above the dark one's far from its mean"],
        answer=3,
        why={1: "The posterior pi_k N(x | mu_k, sigma_k^2) includes the weights.",
             2: "Otsu's method scans every level for the best cut."},
        explain="The dark coat is a narrow, tall peak and the rest a wide bump; a wide Gaussian keeps a "
                "higher density far from its mean, so it wins intensities close to the dark peak. "
                "Otsu's cut is halfway between its two class means, whatever their spreads."),
    "05.sum-of-nk": dict(
        text="In the weighted M-step on the cameraman's histogram, what is the sum over k of "
             "N_k = sum_i c_i r_ik?",
        answer=262144,
        explain="Each level's responsibilities sum to 1, so sum_k N_k = sum_i c_i, the number of pixels: "
                "512 x 512 = 262,144. That is why pi_k = N_k / sum_i c_i."),

    # ------------------------------------------------------------------ 06 · colour
    "06.sign-of-log-ratio": dict(
        text="A pixel x_i is labelled foreground when log p_fg(x_i) - log p_bg(x_i) is",
        options=["less than 0", "greater than 0", "greater than 0.5"],
        answer=2,
        why={1: "That is where the background model explains the pixel better.",
             3: "0.5 would be a threshold on a probability; this is a log-ratio of densities."},
        explain="The log-ratio is positive exactly when p_fg(x_i) > p_bg(x_i): the foreground model "
                "explains the pixel better (equal prior probabilities for the two regions)."),
    "06.what-stops-collapse": dict(
        text="With the default settings, the K = 5 run gives the black backdrop a component whose "
             "standard deviations are below one grey level, and it converges with no guard event. What "
             "keeps that component from collapsing onto the identical black pixels?",
        options=["the covariance prior: the M-step adds Lambda / N_k to every covariance",
                 "the guard, which replaces its covariance whenever it becomes singular",
                 "whitening, which divides the pixels by their spread"],
        answer=1,
        why={2: "The default run has no guard event at all: look at its stop reason. The guard "
                "acts only with prior=0, and then at every iteration.",
             3: "Whitening is a change of units: identical pixels stay identical."},
        explain="Sigma_k = S_k + Lambda / N_k is never narrower than Lambda / N_k, so no standard deviation "
                "falls below s_j sqrt(prior / pi_k), and the objective falls to minus infinity as a "
                "covariance becomes singular: EM climbs an objective that has a maximum."),
    "06.higher-likelihood": dict(
        text="The prior=0 run with the guard ends with a higher log-likelihood than the default run. "
             "Which fit describes the image's colours better?",
        options=["the prior=0 run: on the same data a higher likelihood is always the better fit",
                 "neither: log L can never compare two runs on the same data",
                 "the default run: the other's extra log L is a spike set by the variance floor"],
        answer=3,
        why={1: "Change var_floor and that log L moves by the same step per factor 100: it "
                "measures the floor, not the image.",
             2: "It can, for honest fits of the same model; a degenerate spike is not one."},
        explain="The plain likelihood is unbounded: a component shrinking onto identical points sends it "
                "to infinity. Comparing fits (or BIC) only makes sense between honest, converged runs."),
    "06.whitening": dict(
        text="On which data does whitening change the fit the most?",
        options=["RGB pixels, whose channels share one unit and similar spreads",
                 "features measured on scales as different as 1 and 1e6",
                 "none: whitening is a change of units, so it never changes the fit"],
        answer=2,
        why={1: "On this photograph both runs give the same five colours: whitening is nearly a "
                "change of units there.",
             3: "Without whitening, notebook 03's guard cannot tell honest units from a collapse."},
        explain="With scales 1 and 1e6 a covariance is numerically singular in the data's own units, so "
                "the guard fires on honest data and K-means distances see only the large feature; "
                "whitening puts both on one scale."),

    # ------------------------------------------------------------------ 07 · background
    "07.shadow-label": dict(
        text="With detectShadows=True (the default), MOG2 labels a pixel 127 when",
        options=["it matches no background Gaussian but is 0.5 to 1 times as bright as a background mean",
                 "it cannot decide whether the pixel is foreground, so it marks the pixel as unsure",
                 "the pixel has been foreground for a long time"],
        answer=1,
        why={2: "MOG2 has no 'unsure' label: 127 is its shadow label.",
             3: "A pixel that stays foreground long enough is absorbed into the background (label 0)."},
        explain="The shadow test only asks for a darker version of the background (and, in colour, the "
                "same hue). On gray frames any object darker than what it covers can pass it."),
    "07.shadows-in-f-measure": dict(
        text="On the synthetic scene, which has no shadows, counting MOG2's 127 pixels as foreground makes "
             "its F-measure",
        options=["go down: with no shadows in the scene, every 127 pixel is a false alarm",
                 "go up: the 127 pixels are object pixels darker than the wall",
                 "stay the same: 127 pixels are too rare to move precision or recall"],
        answer=2,
        why={1: "Look at the truth where MOG2 said 127 (exercise 3): almost all of it is object.",
             3: "They are not rare: about a fifth of the true foreground is labelled 127."},
        explain="Without shadows in the scene, the shadow label falls on object pixels; counting them "
                "raises recall at almost no cost in precision, and detectShadows=False gives the same "
                "masks. A fair comparison says which setting it uses."),
    "07.learning-rate": dict(
        text="You raise alpha from 0.01 to 0.05. A car that stops in front of the camera",
        options=["becomes background later", "becomes background sooner",
                 "never becomes background, whatever alpha"],
        answer=2,
        why={1: "A larger alpha forgets faster: the old background's weight falls faster.",
             3: "Any alpha > 0 eventually absorbs a still object."},
        explain="The old background's weight decays as (1 - alpha)^n, and ln 0.95 is about five times "
                "ln 0.99: the car's Gaussian gains weight, and the wall's loses it, several times "
                "faster, so the car becomes background several times sooner. The price: a "
                "slow-moving object is swallowed too."),
}
