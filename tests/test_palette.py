"""The component colours stay apart for viewers with the common colour-vision deficiencies.

Each colour is passed through colorspacious's simulation of deuteranopia, protanopia and
tritanopia (Machado et al. 2009, severity 100: the full dichromacy, the hardest case), and the
distance between every two component colours is measured in CAM02-UCS, a space built so that
Euclidean distance follows perceived difference (Luo et al. 2006).

Threshold: 15. A CAM02-UCS distance of about 1 is just noticeable between two large patches
side by side; the colours here mark thin curves, ellipse outlines and small scatter points,
and Szafir (2017, "Modeling Color Difference for Visualization Design") measured that such
marks need several times the difference that large areas need. For scale: matplotlib's default
tab10 cycle, which nobody with normal vision confuses, has a smallest distance of 20 in normal
vision, but 1.6 (orange vs green) for a protanope; Okabe-Ito's palette keeps 11 in its worst
case (tritanopia). The gmmlib palette keeps 18 in every condition.
"""
import colorspacious
import numpy as np
import pytest
from matplotlib.colors import TABLEAU_COLORS, to_rgb

from gmmlib import plotting

THRESHOLD = 15.0
CONDITIONS = [None, "deuteranomaly", "protanomaly", "tritanomaly"]  # severity 100 = -anopia
RESERVED = {"white background": (1, 1, 1), "grey histogram": (0.8, 0.8, 0.8),
            "black mixture curve": (0, 0, 0)}


def seen(rgb, condition):
    """sRGB colours (n, 3) in [0, 1] as a viewer with ``condition`` sees them."""
    rgb = np.asarray(rgb, dtype=float)
    if condition is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": condition, "severity": 100}
    # the simulation can leave the sRGB gamut; a screen clips, so does the test
    return np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)


def distances(a, b):
    """CAM02-UCS distance between every colour of a and every colour of b."""
    ja = colorspacious.cspace_convert(a, "sRGB1", "CAM02-UCS")
    jb = colorspacious.cspace_convert(b, "sRGB1", "CAM02-UCS")
    return np.linalg.norm(ja[:, None, :] - jb[None, :, :], axis=-1)


def smallest_pair(colours, condition):
    rgb = seen([to_rgb(c) for c in colours], condition)
    d = distances(rgb, rgb)
    np.fill_diagonal(d, np.inf)
    i, j = np.unravel_index(np.argmin(d), d.shape)
    return d[i, j], colours[i], colours[j]


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: c or "normal")
def test_every_two_component_colours_are_far_apart(condition):
    d, a, b = smallest_pair(plotting.COLOURS, condition)
    print(f"smallest CAM02-UCS distance, {condition or 'normal vision'}: {d:.1f} ({a} vs {b})")
    assert d >= THRESHOLD, f"{a} and {b} are {d:.1f} apart for {condition or 'normal vision'}"


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: c or "normal")
def test_component_colours_stand_out_from_background_histogram_and_mixture_curve(condition):
    rgb = seen([to_rgb(c) for c in plotting.COLOURS], condition)
    for name, reserved in RESERVED.items():
        d = distances(rgb, seen([reserved], condition))[:, 0]
        assert d.min() >= THRESHOLD, f"{plotting.COLOURS[d.argmin()]} is {d.min():.1f} from the {name}"


def test_the_test_rejects_a_palette_that_protanopes_cannot_read():
    # matplotlib's tab10 by value: "C0".."C9" follow rcParams, which another test may have restyled
    tab10 = list(TABLEAU_COLORS.values())
    assert smallest_pair(tab10, None)[0] >= THRESHOLD          # fine in normal vision
    assert smallest_pair(tab10, "protanomaly")[0] < THRESHOLD  # orange and green merge


def test_enough_colours_for_every_K_the_notebooks_use():
    # 03 shows K = 1..6, 04 K = 2..5, 05 K = 5, 06 K = 3 Gaussians per pixel
    assert len(plotting.COLOURS) >= 6
    assert len(set(plotting.COLOURS)) == len(plotting.COLOURS)
    assert [plotting.colour(k) for k in range(6)] == plotting.COLOURS[:6]
    assert plotting.colour(len(plotting.COLOURS)) == plotting.COLOURS[0]  # then they repeat


def test_fewer_components_get_the_most_distinct_colours():
    # the first colours are the ones most runs use: each prefix is at least as far apart
    worst = [min(smallest_pair(plotting.COLOURS[:K], c)[0] for c in CONDITIONS)
             for K in range(2, len(plotting.COLOURS) + 1)]
    assert worst == sorted(worst, reverse=True)
    assert worst[0] > 3 * THRESHOLD  # K = 2: unmistakable


def test_component_colormap_paints_label_k_with_colour_k():
    cmap = plotting.component_colormap(5)
    for k in range(5):
        np.testing.assert_allclose(cmap(k)[:3], to_rgb(plotting.colour(k)))
