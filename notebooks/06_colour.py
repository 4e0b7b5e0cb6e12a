# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,slideshow,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 06 · Colour: full-covariance EM on RGB pixels
#
# Every pixel is a point $x_i$ in 3-D (red, green, blue). Its channels move together, and a
# full $3 \times 3$ covariance $\Sigma_k$ can follow that tilt.

# %% [markdown] slideshow={"slide_type": "notes"}
# In colour the channels are strongly correlated: a brighter orange is more red *and* more
# green. A Gaussian with a full covariance captures that tilt, a diagonal one cannot. This is
# the setting the painless GMM was written for: colour models for foreground/background
# segmentation.
#
# **Image credit.** `skimage.data.astronaut()`: Eileen Collins, NASA astronaut, a NASA
# photograph in the public domain, shipped with scikit-image.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning goals**
#
# - segment RGB pixels with a full-covariance mixture;
# - read its channel correlations;
# - see why identical pixels need the covariance prior;
# - measure what whitening changes;
# - classify pixels by a log-likelihood ratio.

# %% [markdown] slideshow={"slide_type": "notes"}
# In more words, by the end of this notebook you can:
#
# - fit a full-covariance mixture to RGB pixels and segment the image by maximum posterior;
# - read a segmentation through its mean-colour image and its channel correlations;
# - explain why a patch of identical pixels (the black backdrop) needs the covariance prior,
#   and what maximum likelihood and the guard do to it instead;
# - measure what whitening changes on pixel data (here: almost nothing, and why);
# - build a foreground/background colour model and classify pixels by the sign of the
#   log-likelihood ratio $\log p_{fg}(x_i) - \log p_{bg}(x_i)$.
#
# **Notation** (as in every notebook): pixels $x_i$, weights $\pi_k$, means $\mu_k$,
# covariances $\Sigma_k$, responsibilities $r_{ik}$, $N_k = \sum_i c_i\, r_{ik}$ (here every
# count $c_i = 1$).

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from skimage import data

from gmmlib import painless_em, plotting, segment_colour
from gmmlib.exercises import check_log_likelihood_ratio, check_whiten
from gmmlib.whitening import robust_scale
from gmmlib.quiz import ask

plt.rcParams.update(plotting.STYLE)
np.set_printoptions(precision=2, suppress=True)
SEED = 0  # every K-means start below uses it
full = data.astronaut()
img = full[::4, ::4]  # a sixteenth of the pixels keeps every fit near a second
pixels = img.reshape(-1, 3)
print(f"image: skimage.data.astronaut(), {full.shape} -> every 4th row and column "
      f"{img.shape} ({pixels.shape[0]} pixels)")

# %% slideshow={"slide_type": "skip"}
# Figure helpers: long drawing code kept out of the slides. Photographs are shown as JPEG
# (a tenth of the PNG's size); line plots stay PNG.
import io
import re
import textwrap

from IPython.display import Image, display
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator


def show_jpeg(fig, quality=88):
    """Display a figure as a JPEG image and close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", pil_kwargs={"quality": quality})
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="jpeg"))


def without_roundoff(reason):
    """A stop reason without its RCOND digits: an RCOND near 1e-16 is round-off, and differs
    between CPUs and BLAS libraries. Below 1e-10 is all the lesson needs."""
    singular = "RCOND below 1e-10 (numerically singular covariance)"
    reason = re.sub(r"RCOND = \S+ <= 1e-10 \(nearly singular covariance\)", singular, reason)
    reason = re.sub(r"singular covariance \(RCOND = 0\)[^;)]*", singular, reason)
    return re.sub(r"a variance of \S+ fell below the floor \S+", "a variance fell below the floor",
                  reason)


def show_segmentation(img, seg):
    """The photograph, the label image and the mean-colour image side by side."""
    K = seg.result.mixture.n_components
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.3))
    axes[0].imshow(img)
    axes[0].set_title("astronaut (NASA, public domain)")
    labels = axes[1].imshow(seg.labels, cmap=plotting.component_colormap(K), vmin=-0.5,
                            vmax=K - 0.5, interpolation="nearest")
    fig.colorbar(labels, ax=axes[1], ticks=range(K), shrink=0.8).set_label("component k")
    axes[1].set_title(f"labels, K = {K}")
    axes[2].imshow(seg.mean_colour_image())
    axes[2].set_title("painted with its mean $\\mu_k$")
    for ax in axes:
        ax.set_axis_off()
    show_jpeg(fig)


def plot_runs(runs, start=2):
    """log L against the iteration for several runs, guard events marked."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    widths = (2, 7, 2)  # runs that share their first iterations stay visible: thick under thin
    for k, (name, result) in enumerate(runs.items()):
        ll = np.asarray(result.history.log_likelihood)
        t = np.arange(ll.size)
        ax.plot(t[start:], ll[start:], marker="." if widths[k] < 5 else None, linewidth=widths[k],
                color=plotting.colour(k), label=name, zorder=3 - k % 2)
        guarded = [i for i in result.history.guard_iterations() if i >= start]
        if guarded:
            ax.plot(guarded, ll[guarded], "x", color=plotting.MARKER_COLOUR, markersize=11,
                    markeredgewidth=2.5, label="guard replaced a covariance")
    plotting.log_likelihood_units(ax, np.concatenate([r.history.log_likelihood[start:]
                                                      for r in runs.values()]))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("EM iteration")
    ax.set_title("log-likelihood of the astronaut's pixels, K = 5")
    ax.legend(loc="lower right")
    plt.show()


def show_colour_model(img, boxes, ratio, is_foreground):
    """Training boxes, the log-likelihood ratio, and the pixels called foreground."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.1))
    axes[0].imshow(img)
    for k, (name, (rows, cols)) in enumerate(boxes.items()):
        axes[0].add_patch(Rectangle((cols.start - 0.5, rows.start - 0.5), cols.stop - cols.start,
                                    rows.stop - rows.start, fill=False, linewidth=3,
                                    edgecolor=plotting.colour(k + 1), label=name))
    axes[0].legend(loc="lower right", framealpha=0.9)
    axes[0].set_title("training boxes")
    # The sign is what classifies: a narrow colour range shows it (larger values are clipped).
    shown = axes[1].imshow(ratio, cmap="coolwarm", vmin=-20, vmax=20)
    bar = fig.colorbar(shown, ax=axes[1], shrink=0.8, extend="both")
    bar.set_label("$\\log p_{fg} - \\log p_{bg}$")
    axes[1].set_title("log-likelihood ratio")
    axes[2].imshow(np.where(is_foreground[:, :, None], img, 255 - (255 - img) // 4))
    axes[2].set_title("ratio > 0; the rest faded")
    for ax in axes:
        ax.set_axis_off()
    show_jpeg(fig)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Segmentation by maximum posterior
#
# Fit $K = 5$ components, then give each pixel its most responsible one:
# $\hat z_i = \arg\max_k r_{ik}$.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
K = 5
seg = segment_colour(img, K, random_state=SEED)
print(seg.result.stop_reason)
for k in range(K):
    mu = np.rint(seg.result.mixture.means[k]).astype(int)
    print(f"component {k}: weight pi_k = {seg.result.mixture.weights[k]:.2f}, "
          f"mean colour mu_k = ({mu[0]}, {mu[1]}, {mu[2]})")

# %% [markdown] slideshow={"slide_type": "notes"}
# `segment_colour` runs painless EM on the pixels with its defaults: a K-means start,
# whitening (each channel divided by a robust spread, measured below), full covariances and the
# default covariance prior (explained with the black backdrop, below). It then labels every
# pixel with the component of largest responsibility, which is the component with the largest
# $\pi_k\, \mathcal N(x_i \mid \mu_k, \Sigma_k)$. The first printed line is the run's stop
# reason: it converged, and the objective rose in every iteration.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Five colours summarise the photograph
#
# Label colours follow the component numbers $k$ (colour bar).

# %% slideshow={"slide_type": "-"}
show_segmentation(img, seg)

# %% [markdown] slideshow={"slide_type": "notes"}
# The five components are the orange suit (3), the pale wall and shuttle (2), a grey-brown for
# the face and hair (0), a dark red for the flag's stripes and the suit's
# shadows (1), and black (4). The right-hand image paints every pixel with the mean colour
# $\mu_k$ of its component: a five-colour version of the photograph.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The covariances are tilted
#
# Correlation between channels: each covariance divided by its standard deviations.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
cov = seg.result.mixture.covariances
std = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
corr = cov / std[:, :, None] / std[:, None, :]
for k in range(K):
    r = corr[k]
    print(f"component {k}: std {std[k].round(1)}, "
          f"correlation R-G {r[0, 1]:+.2f}, R-B {r[0, 2]:+.2f}, G-B {r[1, 2]:+.2f}")
tilted = [k for k in range(K) if (corr[k][np.triu_indices(3, 1)] > 0.9).all()]
print("components with every correlation above 0.9:", tilted)

# %% [markdown] slideshow={"slide_type": "notes"}
# In components 0, 2 and 3 every correlation is above 0.9: colours there vary mostly along one
# direction, brightness (darker and lighter versions of one hue), not channel by channel. A
# diagonal covariance could not draw that tilt. The dark reds of component 1 are tilted less
# (red hardly moves with blue), and component 4 is the odd one out: its standard deviations
# are below one grey level.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The black backdrop: identical pixels and the covariance prior
#
# The backdrop is saturated: many pixels are *exactly* (0, 0, 0).

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
black = (pixels == 0).all(axis=1)
near_black = (pixels <= 2).all(axis=1) & ~black
dark = int(np.argmin(seg.result.mixture.means.sum(axis=1)))
print(f"{black.sum()} of {pixels.shape[0]} pixels are exactly (0, 0, 0), "
      f"{near_black.sum()} more have every channel at most 2")
print(f"the darkest component, {dark}, has weight {seg.result.mixture.weights[dark]:.3f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Component 4 paints the black backdrop on the right and the helmet, and its standard
# deviations are below one grey level. The reason is in the data: a large share of its pixels
# are not merely dark but identical.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The covariance prior keeps every $\Sigma_k$ wide
#
# $$\Sigma_k = S_k + \Lambda / N_k, \qquad \Lambda = \text{prior} \cdot N \cdot \operatorname{diag}(s_1^2, s_2^2, s_3^2)$$

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
spread = robust_scale(pixels)
lowest = spread * np.sqrt(1e-6 / seg.result.mixture.weights[dark])  # 1e-6: the default prior
print("robust spread s_j of R, G, B:", spread.round(0))
print(f"component {dark}: lowest std the prior allows", lowest.round(2),
      "| fitted", std[dark].round(2))
gains = seg.result.history.gains()
print(f"the objective rose in every one of the {gains.size} iterations: {bool((gains > 0).all())}")

# %% [markdown] slideshow={"slide_type": "notes"}
# A Gaussian centred on those 1704 identical pixels gets a density that grows without bound as
# its covariance shrinks: the plain likelihood has no maximum (notebook 03). Painless EM
# therefore maximises a penalised objective, the log-likelihood minus
# $\tfrac12 \sum_k \operatorname{tr}(\Lambda \Sigma_k^{-1})$, and its M-step becomes the formula
# on the slide, with $S_k$ the usual weighted covariance and $s_j$ a robust spread of channel
# $j$. So no standard deviation of component $k$ can fall below
# $s_j \sqrt{\text{prior} / \pi_k}$, however many pixels there are: $\Lambda / N_k$ does not
# shrink with $N$, it is a ridge (notebook 03).
#
# The fitted component is wider than that bound: besides the black pixels it covers the 257
# near-black ones around the backdrop, an honest narrow Gaussian. The run converged at
# iteration 19, and the objective rose at every iteration.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Without the prior
#
# `prior=0` is plain maximum likelihood, run with the guard off and on.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
runs = {"prior 1e-6 (default)": seg.result,
        "prior 0, guard off": painless_em(pixels, K, prior=0.0, guard=False, random_state=SEED),
        "prior 0, guard on": painless_em(pixels, K, prior=0.0, max_iter=20, random_state=SEED)}
for name in ("prior 0, guard off", "prior 0, guard on"):
    result = runs[name]
    print(f"{name}: status {result.status}, {result.n_iter} iterations, "
          f"guard events in iterations {result.history.guard_iterations()}")

# %% [markdown] slideshow={"slide_type": "notes"}
# With `guard=False` the run stops where the black component becomes singular. With the guard
# on, the guard replaces that covariance by a diagonal one at the variance floor (default
# `1e-7` of each channel's robust variance), and EM shrinks it again: guard events keep coming
# back. Going further, at the end of the notebook, prints the stop reasons of both runs.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A higher log L is not a better fit
#
# With the guard, the collapsed run ends *above* the default one.

# %% slideshow={"slide_type": "-"}
plot_runs(runs)

# %% [markdown] slideshow={"slide_type": "notes"}
# The default run (indigo) climbs to convergence. Without the prior (orange) the
# log-likelihood climbs faster and faster as the black component narrows onto the black
# pixels, until the run stops after iteration 12, `singular`. With the guard (cyan) the
# replacement at iteration 13 makes log L *fall*; then the component collapses again, and
# guard events keep coming back. The run is never called converged: that needs a small gain
# in an iteration without a guard event, and it meets the iteration limit first.
#
# The guarded run ends *above* the default one: a spike on 1704 identical pixels explains
# them extremely well. How high it ends is decided by the variance floor, not by the image
# (Going further, below, lowers the floor and measures the step). The prior removes the spike
# from the problem, so the default run needs no guard event at all; the guard stays as a last
# resort against rounding.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What whitening changes
#
# Painless EM fits in whitened units: each channel centred and divided by its robust spread
# $s_j$. Is the fit without whitening different?

# %% [markdown] slideshow={"slide_type": "notes"}
# The robust spread is the interquartile range divided by 1.349 (the standard deviation, for
# Gaussian data, but not pulled by a few extreme pixels). Here the three spreads are nearly
# equal (printed above), so whitening is almost a change of units, and EM's answer does not
# depend on the units: the prior and the floor are defined relative to $s_j$ either way. Only
# the K-means start sees the small differences between channels. The next slide measures it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Whitened and plain: the same colours
#
# The same fit with `whiten=False`, components paired by nearest mean.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
plain = painless_em(pixels, K, whiten=False, random_state=SEED)
for name, result in (("whiten=True ", seg.result), ("whiten=False", plain)):
    print(f"{name}: {result.status} after {result.n_iter} iterations, "
          f"{len(result.guard_events)} guard events, log L = {result.log_likelihood:.0f}")
# the two runs number their components differently: pair each with the nearest mean
match = [int(np.argmin(np.linalg.norm(plain.mixture.means - mu, axis=1)))
         for mu in seg.result.mixture.means]
shift = np.abs(plain.mixture.means[match] - seg.result.mixture.means).max()
relabelled = np.array(match)[seg.labels.ravel()]
differ = int((plain.mixture.predict(pixels) != relabelled).sum())
print(f"largest difference between paired means: {shift:.1f} grey levels")
print(f"pixels labelled differently: {differ} of {pixels.shape[0]}")

# %% [markdown] slideshow={"slide_type": "notes"}
# The same five colours to within a fraction of a grey level, and 0 pixels out of 16384
# labelled differently: on RGB pixels whitening changes almost nothing. It decides the result
# when features come in very different units (notebook 03, part 5: one feature in
# micro-units), where without it K-means distances see only the feature with the largest
# numbers and the guard's RCOND test cannot tell honest units from a collapse.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A foreground/background colour model
#
# Fit one mixture to a foreground box and one to a background box. A pixel $x_i$ is
# foreground when
#
# $$\log p_{fg}(x_i) - \log p_{bg}(x_i) > 0.$$

# %% [markdown] slideshow={"slide_type": "notes"}
# The two boxes are marked by hand: one inside the astronaut (face, suit) and one on the
# background (wall, shuttle, sky). A pixel is foreground when the foreground model explains it
# better than the background model. Each log-density is a logsumexp over its components, so
# pixels far from both models still get a finite ratio (Exercise 2 shows what goes wrong
# otherwise).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two fits and the ratio
#
# Four components per box; every pixel of the image gets a ratio.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
fg_box = (slice(23, 125), slice(40, 75))   # rows, columns in the 128 x 128 image
bg_box = (slice(0, 62), slice(83, 128))
fg_fit = painless_em(img[fg_box].reshape(-1, 3), 4, random_state=SEED)
bg_fit = painless_em(img[bg_box].reshape(-1, 3), 4, random_state=SEED)
for name, fit in (("foreground", fg_fit), ("background", bg_fit)):
    print(f"{name} model: {fit.status} after {fit.n_iter} iterations, "
          f"{len(fit.guard_events)} guard events")
ratio = fg_fit.mixture.log_density(pixels) - bg_fit.mixture.log_density(pixels)
is_foreground = ratio.reshape(img.shape[:2]) > 0
print(f"share of pixels labelled foreground: {is_foreground.mean():.3f}")
print(f"inside the foreground box: {is_foreground[fg_box].mean():.3f}, "
      f"inside the background box: {is_foreground[bg_box].mean():.3f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Both boxes get four components, and both fits converge without a guard event. The printed
# shares show how well the model reproduces its own training boxes: most of the foreground
# box is called foreground and little of the background box, but neither share is perfect,
# because some colours occur in both boxes. The next slide shows where the mistakes are.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Colour alone is not enough
#
# White straps, black backdrop and red stripes land on the wrong side.

# %% slideshow={"slide_type": "-"}
show_colour_model(img, {"foreground": fg_box, "background": bg_box},
                  ratio.reshape(img.shape[:2]), is_foreground)

# %% [markdown] slideshow={"slide_type": "notes"}
# The colour model knows nothing about shapes. The white straps of the suit look like the
# white shuttle and go to the background; the black backdrop looks like the dark collar
# inside the foreground box and goes to the foreground; the red stripes of the flag look like
# the suit. That is the limit of a pure colour model, and why methods such as GrabCut add a
# smoothness term between neighbouring pixels.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Each coding exercise ends with a checker that prints ✓ or the failing case with a hint.
# Worked solutions: [`solutions/06_colour_solutions.ipynb`](solutions/06_colour_solutions.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# The checkers come from `gmmlib.exercises`; when a case fails they print its inputs and a
# hint. The solutions notebook gives the reasoning behind each answer, not only the code: try
# an exercise before reading its solution.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 1 · Whitening (about 20 minutes)
#
# Write the textbook whitening transform: return `(Z, mean, std)` with
# $Z = (X - \text{mean}) / \text{std}$ per channel, using the standard deviation (painless EM
# uses a robust spread instead; the idea is the same). A constant channel (a saturated sky,
# say) must not cause a division by zero, and the `std` you return must still map `Z` back to
# `X`.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_whiten(X):
    raise NotImplementedError("your code here")


check_whiten(my_whiten)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 2 · The log-likelihood ratio (about 10 minutes)
#
# The function below computes the log-likelihood ratio from the densities themselves. Run the
# check, then rewrite it in the log domain.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_log_likelihood_ratio(X, foreground, background):
    p_fg = np.exp(foreground.weighted_log_density(X)).sum(axis=1)
    p_bg = np.exp(background.weighted_log_density(X)).sum(axis=1)
    return np.log(p_fg / p_bg)


check_log_likelihood_ratio(my_log_likelihood_ratio)

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 3 · Other boxes (about 10 minutes)
#
# Move the boxes (or add a second background box on the black backdrop, or a foreground box
# on the face) and watch the foreground share change. Which pixels are hardest to classify,
# and why?
#
# ### Exercise 4 · Which K? (about 15 minutes)
#
# Fit the segmentation with $K$ = 3, 5 and 8. First print each run's `status` and
# `stop_reason`: BIC compares fits, so every run must have converged honestly, with no guard
# event at its end. Then compare the mean-colour images and the BIC
# (`seg.result.mixture.bic(pixels)`). Which $K$ would you pick? What would BIC say about the
# `prior=0` run above, and should you believe it?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Full-covariance EM segments RGB pixels; its covariances tilt along brightness.
# - Identical pixels need the covariance prior.
# - Whitening barely matters for RGB.
# - $\log p_{fg} - \log p_{bg} > 0$ classifies a pixel.

# %% [markdown] slideshow={"slide_type": "notes"}
# - Painless EM with full covariances fits RGB pixels directly; maximum-posterior labels give a
#   segmentation, and the means $\mu_k$ a mean-colour version of the image. The covariances
#   are tilted along brightness.
# - Identical pixels (a saturated backdrop) make the plain likelihood unbounded. The covariance
#   prior keeps every $\Sigma_k$ at least $\Lambda / N_k$ wide, so EM climbs to an honest
#   maximum; without it a component collapses and the log-likelihood measures the variance floor.
# - Whitening puts the channels on one scale. On RGB pixels, whose spreads are nearly equal, it
#   changes almost nothing; on features of very different scales it decides the result.
# - Two mixtures, one per region, and the sign of $\log p_{fg}(x_i) - \log p_{bg}(x_i)$ make a
#   simple, fast colour classifier; log-densities keep it finite for every pixel.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Quiz
#
# Set `response=` to the number of an option and run the cell; `response="?"` shows the answer.

# %% slideshow={"slide_type": "skip"} tags=["quiz", "nbval-check-output"]
ask("06.sign-of-log-ratio", response=None)

# %% slideshow={"slide_type": "skip"} tags=["quiz", "nbval-check-output"]
ask("06.what-stops-collapse", response=None)

# %% slideshow={"slide_type": "skip"} tags=["quiz", "nbval-check-output"]
ask("06.higher-likelihood", response=None)

# %% slideshow={"slide_type": "skip"} tags=["quiz", "nbval-check-output"]
ask("06.whitening", response=None)

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Going further: the guard and the variance floor on a collapsing component
#
# The core path showed that without the prior the black component collapses. This section
# reads what the two `prior=0` runs report when they stop, and measures how the variance floor
# alone sets the guarded run's log-likelihood.
#
# ### Why the runs stopped
#
# Each run's stop reason names the test that ended it. The guard's test is RCOND, the
# reciprocal condition number of a covariance (notebook 03): a covariance whose RCOND falls
# below `1e-10` is treated as singular. The exact RCOND printed near `1e-16` is round-off and
# differs between CPUs and BLAS libraries, so the helper `without_roundoff` replaces it by the
# statement of the test.

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
for name in ("prior 0, guard off", "prior 0, guard on"):
    print(f"{name}: {runs[name].status}")
    print(textwrap.fill(without_roundoff(runs[name].stop_reason), 100, initial_indent="    ",
                        subsequent_indent="    "))

# %% [markdown] slideshow={"slide_type": "skip"}
# Without the guard the run has no way out: the black component's covariance is numerically
# singular, nothing replaces it, and the run stops one iteration before the failure. With the
# guard the run goes on to the iteration limit: an iteration the guard changed cannot count as
# converged, and the guard changed the last one.
#
# ### The floor, not the image, sets log L
#
# The guarded run's log L is decided by the variance floor (default `1e-7` of each channel's
# robust variance). Run it again with a floor 100 times lower:

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
spike = runs["prior 0, guard on"]
lower = painless_em(pixels, K, prior=0.0, var_floor=1e-9, max_iter=20, random_state=SEED)
print(f"default run (prior 1e-6): log L = {seg.result.log_likelihood:.0f}")
print(f"prior 0, var_floor 1e-7: log L = {spike.log_likelihood:.0f}")
print(f"prior 0, var_floor 1e-9: log L = {lower.log_likelihood:.0f} ({lower.status}), "
      f"{lower.log_likelihood - spike.log_likelihood:.0f} higher")
print(f"{black.sum()} black pixels x 3/2 ln 100 = {black.sum() * 1.5 * np.log(100):.0f}")

# %% [markdown] slideshow={"slide_type": "skip"}
# The floor 100 times lower adds 11771 to log L, which is $1704 \times \tfrac32 \ln 100$: a 3-D
# Gaussian's log-density at its mean rises by $\tfrac32 \ln 100$ when its variances shrink
# 100-fold, once per black pixel (in 1-D, notebook 03 measured $\tfrac12 \ln 10$ per decade of
# floor for one point). The log-likelihood measures the floor, not the image, and it has no
# upper limit: lower the floor another 100-fold and log L rises by the same step again.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# - A. P. Dempster, N. M. Laird, D. B. Rubin (1977). Maximum likelihood from incomplete data
#   via the EM algorithm. *Journal of the Royal Statistical Society B* 39(1), 1–38.
# - C. M. Bishop (2006). *Pattern Recognition and Machine Learning*. Springer, chapter 9
#   (mixtures of Gaussians and EM; the singularities of the maximum-likelihood solution are
#   discussed in section 9.2.1).
# - A. Collet, "Tutorial on Painless Gaussian Mixture Models" (the README of his C++
#   implementation, the GitHub repository `alvarocollet/painless_gmm`): robust EM (log domain, whitening, covariance guard) for
#   colour distributions in foreground/background segmentation.
# - C. Rother, V. Kolmogorov, A. Blake (2004). "GrabCut": interactive foreground extraction
#   using iterated graph cuts. *ACM Transactions on Graphics* 23(3), 309–314 (colour mixtures
#   plus a smoothness term).
