"""Background subtraction: gmmlib's Stauffer-Grimson model against OpenCV MOG2 and bgsegm MOG.

Run:  python benchmarks/bench_background.py      (about a minute on 2 cores)

1. Speed: frames per second on the same 300 synthetic frames, 320x240 gray and RGB, K = 3 for
   ours, every method with its default parameters. OpenCV runs on one thread
   (cv2.setNumThreads(1)) and numpy's BLAS is held to one thread too (threadpoolctl), so that
   one core is compared with one core (our model is element-wise numpy and uses no BLAS,
   but the limit removes any doubt). Each method runs three times, interleaved with the
   others so that they share the machine's noise; the median counts.
2. Quality: each method's parameters are picked by a small grid on a TRAINING scene (seed
   1000), then F-measure (after 50 warm-up frames, changedetection.net style: counts summed
   over frames) is measured on a suite of other scenes (seeds 1001-1003). MOG2's mask holds 255
   for foreground and 127 for shadow: only 255 counts as foreground.
3. The real clip tree.avi, if ``gmmlib.video`` can provide it: speed only (there is no truth).

The last two lines are the figures the project tracks:
    figure: bg_fps_ratio_vs_mog2 = ours / MOG2 fps, 320x240 gray, K = 3
    figure: bg_fmeasure_minus_mog2 = ours - MOG2 mean F on the suite, each tuned on training
"""
import itertools
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import cv2  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from gmmlib.background import BackgroundModel  # noqa: E402
from gmmlib.metrics import score_masks  # noqa: E402
from gmmlib.synthetic import make_scene  # noqa: E402

WARMUP = 50
TRAIN_SEED = 1000
SUITE_SEEDS = (1001, 1002, 1003)
REPEATS = 3


# ----------------------------------------------------------------- the three methods
class Ours:
    name = "gmmlib Stauffer-Grimson"

    def __init__(self, **params):
        self.params = dict(K=3) | params

    def make(self):
        model = BackgroundModel(**self.params)
        return model.apply


class Mog2:
    name = "OpenCV MOG2"

    def __init__(self, **params):
        self.params = params

    def make(self):
        sub = cv2.createBackgroundSubtractorMOG2(**self.params)
        return lambda frame: sub.apply(frame) == 255  # 127 (shadow) is background


class BgsegmMog:
    name = "OpenCV bgsegm MOG"

    def __init__(self, **params):
        self.params = params

    def make(self):
        sub = cv2.bgsegm.createBackgroundSubtractorMOG(**self.params)
        return lambda frame: sub.apply(frame) == 255


def seconds(method, frames):
    apply = method.make()
    start = time.perf_counter()
    for frame in frames:
        apply(frame)
    return time.perf_counter() - start


def fps_table(frames, methods):
    """Median fps of each method, runs interleaved (a, b, c, a, b, c, ...)."""
    times = {m.name: [] for m in methods}
    for _ in range(REPEATS):
        for m in methods:
            times[m.name].append(seconds(m, frames))
    return {name: len(frames) / float(np.median(t)) for name, t in times.items()}


def f_measure(method, frames, truths):
    apply = method.make()
    return score_masks([apply(f) for f in frames], truths, warmup=WARMUP).f_measure


def tune(make, grid, frames, truths):
    """The parameters of ``grid`` (a dict of lists) with the best F on the training scene."""
    best = None
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values))
        f = f_measure(make(**params), frames, truths)
        if best is None or f > best[1]:
            best = (params, f)
    return best


# ----------------------------------------------------------------- the parts
def speed(color):
    frames, _ = make_scene(n_frames=300, height=240, width=320, color=color, seed=7).arrays()
    methods = [Ours(), Mog2(), BgsegmMog()]
    fps = fps_table(frames, methods)
    label = "320x240 RGB " if color else "320x240 gray"
    for name, value in fps.items():
        print(f"  {label}  {name:<26} {value:7.0f} fps")
    return fps


def quality():
    train = make_scene(n_frames=300, seed=TRAIN_SEED).arrays()
    suite = [make_scene(n_frames=300, seed=s).arrays() for s in SUITE_SEEDS]
    grids = [
        (Ours, dict(alpha=[0.001, 0.002, 0.005, 0.01], T=[0.5, 0.7, 0.9],
                    match_threshold=[2.5, 3.0])),
        (Mog2, dict(history=[200, 500, 1000, 2000], varThreshold=[4, 6.25, 9, 16, 25],
                    detectShadows=[True, False])),
        (BgsegmMog, dict(history=[100, 200, 500], backgroundRatio=[0.5, 0.7, 0.9])),
    ]
    mean_f = {}
    for make, grid in grids:
        params, f_train = tune(make, grid, *train)
        defaults = [f_measure(make(), *scene) for scene in suite]
        tuned = [f_measure(make(**params), *scene) for scene in suite]
        mean_f[make.name] = float(np.mean(tuned))
        print(f"  {make.name:<26} tuned {params}: F train {f_train:.3f}")
        print(f"  {'':<26} suite F tuned {np.round(tuned, 3).tolist()} mean {np.mean(tuned):.3f}"
              f"; defaults mean {np.mean(defaults):.3f}")
    return mean_f


def real_clip():
    try:
        from gmmlib.video import fetch_clip, read_frames
        path = fetch_clip("tree.avi")
        frames = list(read_frames(path, gray=True))
    except Exception as exc:  # any reason at all: the benchmark must still report the rest
        print(f"  tree.avi unavailable: {type(exc).__name__}: {exc}")
        return
    if not frames:
        print("  tree.avi unavailable: read_frames returned no frame")
        return
    frames = [np.ascontiguousarray(f) for f in frames]
    fps = fps_table(frames, [Ours(), Mog2(), BgsegmMog()])
    shape = "x".join(map(str, frames[0].shape[::-1]))
    for name, value in fps.items():
        print(f"  tree.avi {shape} gray, {len(frames)} frames  {name:<26} {value:7.0f} fps")


def main():
    cv2.setNumThreads(1)
    with threadpool_limits(limits=1):
        print(f"numpy {np.__version__}, OpenCV {cv2.__version__}, cv2 threads "
              f"{cv2.getNumThreads()}, BLAS threads limited to 1, {os.cpu_count()} cores")
        print("Speed, 300 synthetic frames, median of 3 interleaved runs, default parameters "
              "(ours K = 3):")
        gray = speed(color=False)
        rgb = speed(color=True)
        print(f"  ours / MOG2: gray {gray[Ours.name] / gray[Mog2.name]:.2f}, "
              f"RGB {rgb[Ours.name] / rgb[Mog2.name]:.2f}")
        print(f"Real clip:")
        real_clip()
        print(f"Quality: tuned on scene {TRAIN_SEED}, F on scenes {SUITE_SEEDS} "
              "(120x160 gray, 300 frames, warm-up 50):")
        mean_f = quality()
    print(f"figure: bg_fps_ratio_vs_mog2 = {gray[Ours.name] / gray[Mog2.name]:.3f}")
    print(f"figure: bg_fmeasure_minus_mog2 = {mean_f[Ours.name] - mean_f[Mog2.name]:.3f}")


if __name__ == "__main__":
    main()
