"""The pictures and moving pictures that need no kernel: pixels in, PNG/JPEG/APNG bytes out.

Nothing here knows about widgets or about EM; the views (``views_base`` and the modules built
on it) render their figures to RGBA arrays and hand them to these functions.

- :func:`encode`: a fast PNG or JPEG of one frame, for the redraw of a slider step.
- :func:`encode_small_png`: a 255-colour PNG, for the picture kept in a saved notebook.
- :func:`encode_apng` (with :func:`shared_palette`, :func:`to_palette` and
  :func:`hold_small_changes`): a looping animated PNG, small and deterministic.
- :class:`Animation`: such an APNG with what it shows, displayed as ``image/png``, the one
  image type that JupyterLab (trusted or not), nbconvert HTML, VS Code and GitHub all display;
  browsers play it with no script. (GIF is missing from nbconvert's HTML output, WebP from
  nbconvert and VS Code; a palette APNG is also about a quarter smaller than the same frames
  as GIF.)
"""
import base64
import io

import numpy as np
import PIL.Image
import PIL.ImageSequence
import PIL.PngImagePlugin

from ._validate import validate_float, validate_int, validate_path

MAX_FRAMES = 30        # the default length: long enough to follow, short enough to loop
# The most frames an animation may have. Each frame is a whole rendered figure kept in memory
# until encoding ends (about 1 MB at 768 px), and a notebook stores the result: 1000 frames
# took 4 GB and 12 s and made an output nobody could watch.
MAX_FRAMES_LIMIT = 60
TOLERANCE_LIMIT = 64   # grey levels; beyond this the held pixels are visibly wrong


def validate_duration(value, name):
    """``value`` milliseconds as an int in [20, 60000] (a frame's or the final hold's)."""
    return int(round(validate_float(value, name, "[20, 60000]", expected="a number of milliseconds "
                                 "between 20 and 60000", hint="e.g. 400")))


def validate_max_frames(max_frames, name="max_frames"):
    """The number of frames an animation may have, an int in [2, MAX_FRAMES_LIMIT]."""
    return validate_int(max_frames, name, f"[2, {MAX_FRAMES_LIMIT}]",
                        hint=f"each frame is a whole picture; {MAX_FRAMES} loop well and "
                             f"{MAX_FRAMES_LIMIT} is the most an animation may have")


# --- one picture ------------------------------------------------------------------------------

def encode(rgba, fmt="png"):
    """RGBA pixels as image bytes, fast: PNG at zlib level 1 (sharp lines and text), or JPEG
    at quality 90 without chroma subsampling (video frames, 5-10 times faster to encode)."""
    image = _rgb_image(rgba)
    buf = io.BytesIO()
    if fmt == "png":
        image.save(buf, format="png", compress_level=1)
    elif fmt == "jpeg":
        image.save(buf, format="jpeg", quality=90, subsampling=0)
    else:
        raise ValueError(f"fmt must be 'png' or 'jpeg', got {fmt!r}")
    return buf.getvalue()


def encode_small_png(rgba):
    """RGBA pixels as a small PNG, for pictures kept in a notebook: a palette of 255 colours
    (the 128 most frequent exact, see :func:`shared_palette`), about 2.5 times smaller than
    full colour for a plot and indistinguishable from it."""
    rgb = np.ascontiguousarray(rgba[..., :3])
    colours, n_exact = shared_palette([rgb])
    image = PIL.Image.fromarray(to_palette(rgb, colours, n_exact), "P")
    image.putpalette(colours.ravel().tolist())
    buf = io.BytesIO()
    image.save(buf, format="png", optimize=True)
    return buf.getvalue()


def _rgb_image(rgba):
    """A PIL RGB image of an (H, W, 4) uint8 array (PIL drops alpha faster than numpy copies)."""
    height, width = rgba.shape[:2]
    return PIL.Image.frombuffer("RGBA", (width, height), np.ascontiguousarray(rgba),
                                "raw", "RGBA", 0, 1).convert("RGB")


# --- animations -----------------------------------------------------------------------------

def evenly_spaced(last, max_frames):
    """At most ``max_frames`` steps from 0 to ``last``, evenly spread, both ends included."""
    return [int(t) for t in np.unique(np.linspace(0, last, min(last + 1, max_frames)).round())]


UNCHANGED = 255  # palette index meaning "as in the frame before" (transparent, blended over it)


def hold_small_changes(frames, tolerance):
    """The frames as a viewer will see them when changes of at most ``tolerance`` grey levels
    (in every channel) are not sent: such a pixel keeps the value it was last shown with.

    For video: sensor noise changes every pixel of every frame by a few levels, which nobody
    sees but which costs most of the bytes of an animation. With ``tolerance=0`` nothing is
    held (exact frames, for plots).
    """
    if tolerance == 0:
        return list(frames)
    shown = [frames[0]]
    current = frames[0].astype(np.int16)
    for frame in frames[1:]:
        changed = (np.abs(frame.astype(np.int16) - current) > tolerance).any(axis=-1)
        current = current.copy()
        current[changed] = frame[changed]
        shown.append(current.astype(np.uint8))
    return shown


def encode_apng(frames, frame_ms, hold_ms, tolerance=0, still_last=True):
    """Frames (H, W, 3 uint8 arrays) as an animated PNG that loops forever.

    Made small four ways: changes of at most ``tolerance`` grey levels are not sent
    (:func:`hold_small_changes`); all frames share one palette of 255 colours (median cut over all
    of them, no dithering); each frame stores only the rectangle where it differs from the
    one before; inside that rectangle, pixels that did not change are a transparent index
    drawn over the previous frame, which compresses to almost nothing. The last frame is held
    ``hold_ms`` so that a loop ends on the result. With ``still_last`` a viewer that does not
    animate PNGs (a PDF export) shows the last frame, the result, as its still picture; that
    costs one more full frame (a few KB for a plot, 50 KB for video), so without it such a
    viewer shows the first frame.
    Deterministic: the same frames give the same bytes.
    """
    frames = hold_small_changes(frames, tolerance)
    colours, n_exact = shared_palette(frames)
    indexed = [to_palette(f, colours, n_exact) for f in frames]
    flat = colours.ravel().tolist()
    flat += [0] * (768 - len(flat))  # 256 entries, so that UNCHANGED is a valid index

    def image(index):
        im = PIL.Image.fromarray(index, "P")
        im.putpalette(flat)
        return im

    shown = [image(indexed[0])]
    for before, now in zip(indexed, indexed[1:]):
        delta = now.copy()
        delta[now == before] = UNCHANGED
        shown.append(image(delta))
    over, source = PIL.PngImagePlugin.Blend.OP_OVER, PIL.PngImagePlugin.Blend.OP_SOURCE
    buf = io.BytesIO()
    # default_image=True: the first image is the still picture, not a frame of the animation
    # (the duration and blend lists count the animation frames only)
    first, rest = (image(indexed[-1]), shown) if still_last else (shown[0], shown[1:])
    first.save(buf, format="png", save_all=True, append_images=rest, default_image=still_last,
               duration=[frame_ms] * (len(shown) - 1) + [hold_ms],
               blend=[source] + [over] * (len(shown) - 1),
               disposal=PIL.PngImagePlugin.Disposal.OP_NONE, transparency=UNCHANGED,
               loop=0, compress_level=9)
    return buf.getvalue()


def _packed(pixels):
    """(..., 3) uint8 colours as single uint32 numbers, to sort and look up."""
    pixels = pixels.astype(np.uint32)
    return (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]


def shared_palette(frames, exact=128):
    """(colours, n_exact): at most 255 colours for all frames, the first ``n_exact`` of which
    are kept exactly.

    Plots have few colours: if all frames together have at most 255, all are exact.
    Otherwise the ``exact`` most frequent colours (white, the grey histogram, black, the
    component colours...) are exact and median cut picks the others among the remaining
    pixels (median cut alone averages white with its antialiased neighbours into grey).
    """
    pixels = np.concatenate([f.reshape(-1, 3) for f in frames])
    packed = _packed(pixels)
    values, counts = np.unique(packed, return_counts=True)
    if values.size <= UNCHANGED:
        keep, extra = values, np.zeros((0, 3), np.uint8)
    else:
        keep = values[np.argsort(-counts, kind="stable")[:exact]]
        rest = PIL.Image.fromarray(pixels[~np.isin(packed, keep)][None, :, :])
        cut = rest.quantize(colors=UNCHANGED - exact, method=PIL.Image.Quantize.MEDIANCUT,
                            dither=PIL.Image.Dither.NONE)
        extra = np.array(cut.getpalette(), np.uint8).reshape(-1, 3)[: UNCHANGED - exact]
    kept = np.stack([(keep >> 16) & 255, (keep >> 8) & 255, keep & 255], axis=1).astype(np.uint8)
    return np.concatenate([kept, extra]), len(kept)


def to_palette(frame, colours, n_exact):
    """Palette indices of an (H, W, 3) frame: exact for the exact colours, else the nearest
    colour as PIL finds it (PIL looks colours up at 6 bits per channel, which is why the
    exact ones are set here)."""
    palette = PIL.Image.new("P", (1, 1))
    palette.putpalette(colours.ravel().tolist())  # exactly these: no padding to pick from
    index = np.array(PIL.Image.fromarray(frame).quantize(palette=palette,
                                                          dither=PIL.Image.Dither.NONE))
    exact = _packed(colours[:n_exact])
    order = np.argsort(exact)
    packed = _packed(frame)
    pos = np.minimum(np.searchsorted(exact[order], packed), len(exact) - 1)
    hit = exact[order][pos] == packed
    index[hit] = order[pos[hit]]
    if index.max() >= len(colours):
        raise RuntimeError("PIL mapped a pixel outside the palette")
    return index


class Animation:
    """A moving picture of a run that plays with no kernel and no script (an animated PNG).

    Make one with ``view.animation(...)``; as the last line of a cell it is stored in the
    notebook as an ``image/png`` output (plus a one-line ``text/plain``) and loops in
    JupyterLab (trusted or not), on GitHub, in nbconvert HTML and in VS Code.

    Attributes
    ----------
    data : bytes          the APNG file
    n_frames : int        frames in the animation
    size : (int, int)     width and height in pixels
    description : str     what it shows, e.g. "EM on 1-D data, K=2: iterations 0 to 12 in 13 frames"
    """

    def __init__(self, data, n_frames, size, description):
        self.data = data
        self.n_frames = n_frames
        self.size = tuple(size)
        self.description = description

    @classmethod
    def from_frames(cls, frames, description, frame_ms=400, hold_ms=2000, tolerance=0,
                    still_last=True):
        """Encode (H, W, 3 or 4) uint8 frames; see :func:`encode_apng` for the options."""
        frames = list(frames)
        validate_int(len(frames), "the number of frames", f"[1, {MAX_FRAMES_LIMIT}]",
                     hint="pick evenly spaced steps, e.g. with evenly_spaced(last, 30)")
        frames = [np.ascontiguousarray(f[..., :3]) for f in frames]
        height, width = frames[0].shape[:2]
        tolerance = validate_int(tolerance, "tolerance", f"[0, {TOLERANCE_LIMIT}]",
                                 hint="grey levels, e.g. 16")
        data = encode_apng(frames, validate_duration(frame_ms, "frame_ms"),
                           validate_duration(hold_ms, "hold_ms"), tolerance, bool(still_last))
        return cls(data, len(frames), (width, height), description)

    def frames(self):
        """The animation frames decoded again, as (H, W, 3) uint8 arrays: what a browser shows
        (the still default image, which repeats the last frame, is left out)."""
        with PIL.Image.open(io.BytesIO(self.data)) as image:
            frames = [np.asarray(f.convert("RGB")) for f in PIL.ImageSequence.Iterator(image)]
            skip = 1 if image.info.get("default_image") else 0
        return frames[skip:]

    def durations(self):
        """Milliseconds each animation frame is shown (the last one is the hold)."""
        with PIL.Image.open(io.BytesIO(self.data)) as image:
            out = []
            for frame in PIL.ImageSequence.Iterator(image):
                out.append(frame.info.get("duration"))
            skip = 1 if image.info.get("default_image") else 0
        return out[skip:]

    def save(self, path):
        """Write the APNG to ``path`` (e.g. ``imgs/em_1d.png`` for a markdown cell)."""
        path = validate_path(path)  # never an int: open(1, "wb") would write into stdout
        if path.is_dir():
            raise ValueError(f"path {str(path)!r} is a folder; pass a file name, e.g. "
                             f"{str(path / 'animation.png')!r}")
        with open(path, "wb") as f:
            f.write(self.data)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/png": base64.b64encode(self.data).decode("ascii"),
                "text/plain": f"<animation: {self.description} (animated PNG, {self.size[0]} px wide)>"}

    def __repr__(self):
        return f"Animation({self.description!r}, {self.n_frames} frames, {self.size[0]}x{self.size[1]} px)"

    def html(self):
        """An ``<img>`` tag holding the APNG (only for old cells that wrap it in ``HTML``).

        Prefer displaying the Animation itself: an ``image/png`` output survives every viewer,
        while stored HTML is sanitised or dropped by some of them.
        """
        return (f'<img alt="{self.description}" src="data:image/png;base64,'
                f'{base64.b64encode(self.data).decode("ascii")}">')
