"""Slider redraws of the notebook-sized views: blitting and a fast encode against a full savefig.

Run:  python benchmarks/bench_views.py      (about a minute on 2 cores)

For each view as the notebooks build it (01: EMView on 1-D data, K = 1..4; 03: EMView on 2-D
data, K = 1..6; 04: SegmentationView of the 512 x 512 cameraman, K = 2..5; 06: BackgroundView
of 150 frames of 160 x 120 with three pixels), every slider step is timed, Python side only:
setting ``view.iteration.value`` moves the artists, blits, encodes and hands the bytes to the
Image widget (what a browser then receives); the view's cache of recent pictures is emptied
first, so every step is timed as if seen for the first time. Three passes over every iteration of every K;
interleaved with the first pass, on every fourth step, the naive peer measured in the same
run: the same artists moved, then ``fig.savefig(format="png")`` (a full draw and layout,
matplotlib's default PNG; 10-20 times slower, hence fewer samples).

Also printed: the bytes a redraw sends, the picture kept in the notebook next to the widget,
the animation each notebook stores, and PNG vs JPEG encode time and size on each view's
figure (why the background view sends JPEG).

The browser adds the transfer and the decoding; tests/browser measures the whole step against
its budget (median <= 80 ms, p95 <= 150 ms per view). Figures the project tracks:
    figure: view_redraw_ms_median_<view>, view_redraw_ms_p95_<view>
    figure: view_redraw_speedup_vs_savefig_<view> = naive median / ours median
"""
import io
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from skimage import data  # noqa: E402

import gmmlib  # noqa: E402
from gmmlib.background import BackgroundModel  # noqa: E402
from gmmlib.synthetic import make_scene  # noqa: E402
from gmmlib.views import BackgroundView, EMView, SegmentationView, record_background  # noqa: E402
from gmmlib.views_base import encode  # noqa: E402

PASSES = 3
NAIVE_EVERY = 4


def notebook_views():
    """The views and the animation calls of notebooks 01, 04, 05 and 07."""
    X1, _ = gmmlib.datasets.gmm_example_1d()
    X2, _ = gmmlib.datasets.gmm_example_2d()
    camera = data.camera()
    frames, truths = make_scene(n_frames=150, height=120, width=160, seed=0).arrays()
    run = record_background(BackgroundModel(K=3, alpha=0.01, T=0.7), frames,
                            [(60, 40), (70, 100), (20, 20)], truths)
    return [
        ("em_1d", EMView(X1, {K: gmmlib.painless_em(X1, K, init="equal-range") for K in range(1, 5)}, K=2),
         dict(K=2)),
        ("em_2d", EMView(X2, {K: gmmlib.painless_em(X2, K, random_state=0) for K in range(1, 7)}, K=2),
         dict(K=2)),
        ("segmentation", SegmentationView(camera, {K: gmmlib.histogram_em(camera, K) for K in range(2, 6)}, K=2),
         dict(K=3)),
        ("background", BackgroundView(run, frame=140, pixel=1), dict()),
    ]


def steps(view):
    """Every (K, t) a slider can reach, as settings of the view's sliders."""
    if view.K is None:
        return [{"iteration": t} for t in range(view.iteration.max + 1)]
    return [{"K": K, "iteration": t} for K in range(view.K.min, view.K.max + 1)
            for t in range(view.last_iteration(K) + 1)]


def apply(view, step):
    for name, value in step.items():
        if getattr(view, name).value != value:
            getattr(view, name).value = value


def time_ours(view, step):
    """One slider step as the widget does it; a change of K or pixel is not a slider step."""
    apply(view, {k: v for k, v in step.items() if k != "iteration"})
    view.iteration.value = 0 if step["iteration"] else 1  # move away, then time the step back
    view._pictures.clear()  # a step never seen before: no picture to reuse
    t0 = time.perf_counter()
    view.iteration.value = step["iteration"]
    return time.perf_counter() - t0, len(view.image.value)


def time_naive(view, step):
    """The same step drawn the plain way: move the artists, savefig the whole figure."""
    apply(view, {k: v for k, v in step.items() if k != "iteration"})
    view.iteration.value = step["iteration"]
    t0 = time.perf_counter()
    view._draw()
    buf = io.BytesIO()
    view.fig.savefig(buf, format="png")
    return time.perf_counter() - t0


def encode_costs(view, repeat=10):
    rgba = view.figure.render()
    out = {}
    for fmt in ("png", "jpeg"):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            size = len(encode(rgba, fmt))
            times.append(time.perf_counter() - t0)
        out[fmt] = (1e3 * np.median(times), size)
    t0 = time.perf_counter()
    for _ in range(repeat):
        view.figure.render()
    out["render"] = 1e3 * (time.perf_counter() - t0) / repeat
    return out


def main():
    cpu = platform.processor()
    if os.path.exists("/proc/cpuinfo"):
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                    if line.startswith("model name")), cpu)
    print(f"{cpu}, {os.cpu_count()} cores, matplotlib {matplotlib.__version__}, "
          f"Pillow {__import__('PIL').__version__}, numpy {np.__version__}")
    print(f"{'view':14} {'size':>9} {'steps':>5}  {'ours median/p95 ms':>19}  "
          f"{'savefig median/p95 ms':>22}  {'speedup':>7}  {'sent KB':>7}  {'kept KB':>7}  {'anim KB':>7}")
    figures = []
    for name, view, anim_kwargs in notebook_views():
        all_steps = steps(view)
        ours, naive, sent = [], [], []
        for repeat in range(PASSES):  # interleaved, so that both see the same machine noise
            for i, step in enumerate(all_steps):
                seconds, size = time_ours(view, step)
                ours.append(seconds)
                sent.append(size)
                if repeat == 0 and i % NAIVE_EVERY == 0:
                    naive.append(time_naive(view, step))
        ours_ms, naive_ms = 1e3 * np.array(ours), 1e3 * np.array(naive)
        picture = len(view.picture())
        animation = view.animation(**anim_kwargs)
        w, h = view.fig.canvas.get_width_height()
        speedup = np.median(naive_ms) / np.median(ours_ms)
        print(f"{name:14} {w:>4}x{h:<4} {len(all_steps):>5}"
              f"  {np.median(ours_ms):>9.1f} /{np.percentile(ours_ms, 95):>7.1f}"
              f"  {np.median(naive_ms):>11.1f} /{np.percentile(naive_ms, 95):>8.1f}  {speedup:>6.1f}x"
              f"  {np.mean(sent) / 1024:>7.0f}  {picture / 1024:>7.0f}  {len(animation.data) / 1024:>7.0f}"
              f"  ({animation.n_frames} frames, {animation.size[0]} px)")
        costs = encode_costs(view)
        print(f"{'':14} blit {costs['render']:.1f} ms; encode PNG level 1 {costs['png'][0]:.1f} ms "
              f"{costs['png'][1] / 1024:.0f} KB, JPEG q90 {costs['jpeg'][0]:.1f} ms "
              f"{costs['jpeg'][1] / 1024:.0f} KB; this view sends {view.image_format.upper()}")
        figures += [(f"view_redraw_ms_median_{name}", f"{np.median(ours_ms):.1f}"),
                    (f"view_redraw_ms_p95_{name}", f"{np.percentile(ours_ms, 95):.1f}"),
                    (f"view_redraw_speedup_vs_savefig_{name}", f"{speedup:.1f}")]
    for key, value in figures:
        print(f"figure: {key} = {value}")


if __name__ == "__main__":
    main()
