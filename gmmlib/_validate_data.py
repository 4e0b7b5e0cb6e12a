"""Input checks for data: arrays, images, video frames, and the data and weights of an EM run.

The same rules as ``_validate.py`` (where the number and option checks live): a message names
the argument, shows the bad value and says what to pass instead; inputs are never modified.
"""
import numpy as np

from ._validate import InputTypeError, _fix, show

# ---------------------------------------------------------------- arrays

#: PIL modes whose np.asarray holds what gmmlib expects: grey levels, RGB(A), 32-bit integers
#: or floats (their values are then checked like any array's).
PIL_MODES_READ = ("L", "RGB", "RGBA", "RGBX", "I", "I;16", "I;16L", "I;16B", "F")


def _pil_fix(name, channels=(1, 3, 4), mode=""):
    """The PIL conversion that gives what a function taking ``channels`` reads."""
    # PIL converts LAB only to RGB, and premultiplied La only to LA: one more step there.
    via = {"LAB": '.convert("RGB")', "La": '.convert("LA")'}.get(mode, "")
    gray = f'{name}{via}.convert("L")'
    colour = f'{name}{via}.convert("RGB")'.replace('.convert("RGB").convert("RGB")', '.convert("RGB")')
    if 1 not in channels:
        return colour
    if not any(c > 1 for c in channels):
        return gray
    return f"{colour} (colour) or {gray} (grey)"


def _is_pil(X):
    return type(X).__module__.startswith("PIL.") and isinstance(getattr(X, "mode", None), str)


def _check_pil(X, name, channels=(1, 3, 4)):
    """Refuse a PIL image whose pixel array would be misread (palette indices, CMYK, 1-bit)."""
    if not _is_pil(X):
        return
    mode = X.mode
    if mode in PIL_MODES_READ:
        return
    what = {"P": "palette indices, not colours", "PA": "palette indices, not colours",
            "CMYK": "cyan, magenta, yellow and black, which would be read as red, green and blue",
            "1": "one bit per pixel (True/False), not grey levels",
            "LA": "grey and alpha", "La": "grey and premultiplied alpha",
            "RGBa": "colours premultiplied by alpha",
            "YCbCr": "luma and chroma, which would be read as red, green and blue",
            "LAB": "L*a*b* values, which would be read as red, green and blue",
            "HSV": "hue, saturation and value, which would be read as red, green and blue"}.get(
                mode, "values that are not grey levels or RGB")
    raise ValueError(f"{name} is a PIL image in mode {mode!r}: its pixels hold {what}. "
                     f"Convert it first: {_pil_fix(name, channels, mode)}")


def _check_masked(X, name):
    """Refuse a masked array with masked entries: np.asarray keeps the values under the mask."""
    if not np.ma.isMaskedArray(X):
        return
    mask = np.ma.getmaskarray(X)
    if not mask.any():
        return  # nothing is hidden: the data is all there is
    fixes = [f"{name}.compressed() keeps the unmasked values (1-D data)"]
    if X.ndim == 2:
        fixes.append(f"{name}[~{name}.mask.any(axis=1)] keeps the rows with no masked value "
                     "(a table of points)")
    fixes.append(f"{name}.filled(value) puts a value of your choice in their place (an image "
                 "keeps its shape; every filled entry then counts as that value)")
    raise ValueError(f"{name} is a masked array with {int(mask.sum())} masked entries; gmmlib "
                     "does not skip them (it would read the values under the mask, e.g. -999 "
                     "sentinels, as data). Decide what they mean: " + "; ".join(fixes))


def _asarray(X, name, channels=(1, 3, 4)):
    """np.asarray with a readable message for ragged lists, None, dicts and the like.

    Masked arrays with masked entries and PIL images whose pixels are not grey levels or RGB
    (palette, CMYK, 1-bit) are refused with the conversion to make; ``channels`` (those of
    :func:`validate_image`) picks the PIL conversion to suggest.
    """
    if X is None:
        raise InputTypeError(f"{name} is None; pass a numeric array")
    if isinstance(X, (str, bytes, dict, set)):
        raise InputTypeError(f"{name} must be a numeric array, got {show(X)}")
    _check_masked(X, name)
    _check_pil(X, name, channels)
    try:
        arr = np.asarray(X)
    except Exception as exc:  # ragged lists (numpy >= 1.24), objects whose __array__ fails
        why = ("its rows have different lengths (a ragged list)" if "inhomogeneous" in str(exc)
               else f"{type(exc).__name__}: {str(exc)[:100]}")
        raise ValueError(f"{name} could not be read as an array: {why}; pass a numeric array "
                         "whose rows all have the same length") from None
    return arr


def _check_dtype(arr, name, allow_bool=True):
    kind = arr.dtype.kind
    if kind == "c":
        raise InputTypeError(f"{name} is complex (dtype {arr.dtype}); only real numbers are "
                             f"allowed: pass {name}.real or np.abs({name})")
    if kind == "b" and not allow_bool:
        raise InputTypeError(f"{name} is boolean; pass numbers, e.g. {name}.astype(float)")
    if kind not in "biuf":
        raise InputTypeError(
            f"{name} must be numeric, got dtype {arr.dtype}" + (
                " (a mix of types, a ragged list or None entries)" if kind == "O" else "")
            + f"; convert it with np.asarray({name}, dtype=float) after removing non-numeric entries")


def _first_bad(bad):
    """Index (as a tuple) of the first True in ``bad``."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), bad.shape))


def validate_array(X, name="X", *, ndim=None, shape=None, allow_bool=True, allow_empty=False,
                allow_nan=False, max_abs=None, dtype=None, hint=""):
    """Return ``X`` as a numeric numpy array after checking its kind, shape and values.

    Parameters
    ----------
    X : array-like
    name : str
        The argument's name, used in the message.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    shape : tuple, optional
        Required shape; None entries match any length (checked after ``ndim``).
    allow_bool : bool
        Accept a boolean array (kept as bool unless ``dtype`` says otherwise).
    allow_empty : bool
        Accept an array with no element.
    allow_nan : bool
        Accept NaN and infinity (otherwise a ValueError says how many and where).
    max_abs : float, optional
        Largest allowed absolute value, e.g. 1e150 for data that is squared (above it the
        squares overflow float64).
    dtype : numpy dtype, optional
        Convert to this dtype (a copy only if needed), e.g. ``np.float64``.
    hint : str
        Appended to the shape messages (e.g. how to reshape).

    Raises
    ------
    InputTypeError
        Not numeric (strings, objects, None, dicts), complex, or bool when not allowed.
    ValueError
        A ragged list, a wrong shape, NaN/inf, or values too large.

    Examples
    --------
    >>> validate_array([[1, 2], [3, 4]], "X", ndim=2, dtype=float).dtype
    dtype('float64')
    >>> validate_array([1.0, float("nan")], "X")
    Traceback (most recent call last):
    ...
    ValueError: X has 1 NaN or infinite values (the first at index (1,)); remove or replace them first, e.g. X = X[np.isfinite(X)]
    """
    arr = _asarray(X, name)
    _check_dtype(arr, name, allow_bool)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {arr.shape}"
                             f"{_fix(hint)}")
    if shape is not None:
        if len(shape) != arr.ndim or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}{_fix(hint)}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one value")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if arr.dtype.kind == "f" and arr.size:
        if not allow_nan:
            finite = np.isfinite(arr)
            if not finite.all():
                bad = ~finite
                raise ValueError(
                    f"{name} has {int(bad.sum())} NaN or infinite values (the first at index "
                    f"{_first_bad(bad)}); remove or replace them first, e.g. "
                    f"{name} = {name}[np.isfinite({name})]")
        if max_abs is not None:
            with np.errstate(invalid="ignore"):
                top = float(np.nanmax(np.abs(arr))) if not np.isnan(arr).all() else 0.0
            if top > max_abs:
                raise ValueError(f"{name} has values up to {top:.3g} in absolute value; the "
                                 f"largest allowed is {max_abs:.3g} (their squares overflow). "
                                 "Rescale it, e.g. divide by its standard deviation")
    elif max_abs is not None and arr.dtype.kind in "iu" and arr.size:
        top = max(abs(int(arr.max())), abs(int(arr.min())))
        if top > max_abs:
            raise ValueError(f"{name} has values up to {top:.3g} in absolute value; the largest "
                             f"allowed is {max_abs:.3g}. Rescale it")
    return arr


def _looks_unit_scaled(top):
    """True when the largest value of a float image (or of a video so far) is in (0, 1].

    Judged on the maximum only: ``img_as_float`` of a pure-colour graphic holds only 0.0 and
    1.0, and is as unit-scaled as a photograph. An image whose grey levels 0..255 all stay
    at or below 1 is black to the eye; reading it as unit-scaled costs nothing. An all-zero
    image is black either way and is accepted.
    """
    return 0 < top <= 1


def _check_layout(arr, name, channels):
    """An image's shape against the allowed channels, with the fix for each wrong layout."""
    gray_ok, colour = 1 in channels, tuple(c for c in channels if c > 1)
    if (arr.ndim == 3 and arr.shape[2] in colour) or (arr.ndim == 2 and gray_ok):
        return
    if arr.ndim == 3 and arr.shape[2] in (1, 2):
        what = ("one channel: a grey image" if arr.shape[2] == 1
                else "two channels: grey and alpha (a PNG saved as LA)")
        use = (f"pass {name}[..., 0]" if gray_ok
               else f"it is a grey image: segment {name}[..., 0] with segment_gray")
        raise ValueError(f"{name} has shape {arr.shape}, {what}; {use}")
    elif arr.ndim == 3 and arr.shape[2] in (3, 4) and not colour:
        raise ValueError(f"{name} must be a grayscale image (H, W), got shape {arr.shape} "
                         "(colour); convert it with skimage.color.rgb2gray then "
                         "skimage.util.img_as_ubyte, or segment it with segment_colour")
    elif arr.ndim == 2 and not gray_ok:
        raise ValueError(f"{name} must be a colour image (H, W, 3), got shape {arr.shape} "
                         "(grayscale); use segment_gray for a gray image, or "
                         "skimage.color.gray2rgb")
    else:
        want = " or ".join(["(H, W)"] * gray_ok + [f"(H, W, {c})" for c in colour])
        fix = ""
        if arr.ndim == 3 and arr.shape[0] in (3, 4):  # (C, H, W), as torch stores images
            fix = f"; for channels-first data use np.moveaxis({name}, 0, -1)"
        elif arr.ndim == 3 and arr.shape[0] == 1:  # one grey image in a stack of one
            fix = f"; for one image in a stack of one use {name}[0]"
        raise ValueError(f"{name} must have shape {want} with channels last, got shape "
                         f"{arr.shape}{fix}")


def validate_image(image, name="image", *, channels=(1, 3, 4), dtype=None):
    """Return an image as an array of grey levels 0..255: (H, W) gray or (H, W, C) colour.

    Accepts uint8, any integer type whose values lie in 0..255 (converted to uint8), and
    float images in [0, 255]. A float image whose maximum is in (0, 1] (scikit-image's
    ``img_as_float``, even of a graphic holding only 0.0 and 1.0) is refused, not guessed: its
    grey levels would be read as 0 or 1 out of 255. Also refused, each with the conversion
    to make: boolean images, (H, W, 1) and (H, W, 2) arrays (take channel 0), masked arrays
    with masked pixels, and PIL images whose pixels are not levels (palette 'P', 'CMYK', '1'...).

    Parameters
    ----------
    channels : tuple of int
        Allowed numbers of channels; 1 means a 2-D (H, W) image. ``(1,)`` for gray only,
        ``(3, 4)`` for colour only (an alpha channel is kept; drop it with ``[..., :3]``).
    dtype : numpy dtype, optional
        Convert the result, e.g. ``np.uint8`` (float images must then hold whole numbers
        after rounding; they are rounded).
    """
    arr = _asarray(image, name, channels)
    if arr.dtype.kind == "b":  # astype(float) would give a [0, 1] image, refused below
        raise InputTypeError(f"{name} is boolean (black and white); pass grey levels 0..255, "
                             f"e.g. {name}.astype(np.uint8) * 255")
    _check_dtype(arr, name, allow_bool=False)
    _check_layout(arr, name, channels)
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            bad = ~np.isfinite(arr)
            raise ValueError(f"{name} has {int(bad.sum())} NaN or infinite values (the first at "
                             f"{_first_bad(bad)}); replace them, e.g. np.nan_to_num({name})")
        lo, hi = float(arr.min()), float(arr.max())
        if _looks_unit_scaled(hi):
            raise ValueError(
                f"{name} is a float image with values in [0, 1] (max {hi:.3g}); gmmlib reads "
                "grey levels 0..255: scale float images to 0..255 or pass uint8, e.g. "
                f"skimage.util.img_as_ubyte({name})")
        if lo < 0 or hi > 255:
            raise ValueError(f"{name} has values from {lo:.3g} to {hi:.3g}; grey levels must "
                             f"lie in 0..255: clip or rescale it (e.g. np.clip({name}, 0, 255)) "
                             "or pass uint8")
    elif arr.dtype.kind in "iu" and arr.dtype != np.uint8:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi > 255:
            # A 16-bit PNG opened with PIL is a PIL image (mode 'I;16' or 'I'): the division
            # needs its array.
            values = f"np.asarray({name})" if _is_pil(image) else name
            raise ValueError(f"{name} has integer values from {lo} to {hi} (dtype {arr.dtype}); "
                             "grey levels must lie in 0..255: for 16-bit images use "
                             f"({values} // 257).astype(np.uint8), else clip or rescale")
        arr = arr.astype(np.uint8)
    if dtype is not None and arr.dtype != dtype:
        arr = np.rint(arr).astype(dtype) if np.dtype(dtype).kind in "iu" else arr.astype(dtype)
    return arr


def validate_frame(frame, name="frame"):
    """A video frame for the background model: (H, W) or (H, W, C<=4), uint8 or float 0..255.

    The same rules as :func:`validate_image` (a float frame in [0, 1] is refused with the fix),
    except that integer frames other than uint8 must be converted by the caller.
    """
    arr = _asarray(frame, name)
    if arr.dtype.kind == "b":  # astype(float) would give a [0, 1] frame, refused later
        raise InputTypeError(f"{name} is boolean (black and white); pass grey levels 0..255, "
                             f"e.g. {name}.astype(np.uint8) * 255")
    _check_dtype(arr, name, allow_bool=False)
    if arr.ndim not in (2, 3):
        raise ValueError(f"a frame must have shape (H, W) for gray or (H, W, C) for colour, "
                         f"got {name} of shape {arr.shape}; for a stack of frames call apply() "
                         "on each frame in turn")
    if arr.ndim == 3 and not 1 <= arr.shape[2] <= 4:
        raise ValueError(f"a colour frame must be (H, W, C) with C <= 4 channels last, got "
                         f"{name} of shape {arr.shape}; for channels-first data use "
                         f"np.moveaxis({name}, 0, -1)")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype != np.uint8 and arr.dtype.kind != "f":
        raise ValueError(f"frames must be uint8 or float with values in [0, 255], got {name} "
                         f"of dtype {arr.dtype}; convert it, e.g. ({name} // 257).astype(np.uint8) "
                         f"for 16-bit video or {name}.astype(np.uint8) for 0..255 integers")
    return arr


def validate_frame_values(arr, name="frame", first=False, var="frame", peak=None):
    """Float frames: finite, in [0, 255], and the video so far not scaled to [0, 1].

    ``name`` says which frame in the message ("frame 12"), ``var`` is the variable shown in
    the suggested fix. The scaling is judged on the largest value seen so far: pass ``peak``,
    the largest value of the earlier frames (0.0 before the first), and every frame is
    judged, so a [0, 1] video that opens on a black frame is refused at its first lit frame;
    a 0..255 video is never refused once a value above 1 has been seen. Without ``peak``, only
    a frame marked ``first`` is judged, on its own maximum.
    """
    if arr.dtype.kind != "f":
        return arr
    finite = np.isfinite(arr)
    if not finite.all():
        raise ValueError(f"{name} has {np.count_nonzero(~finite)} NaN or infinite values; a "
                         "background model needs real grey levels: replace them (e.g. "
                         "np.nan_to_num) or drop the frame")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0 or hi > 255:
        raise ValueError(f"{name} has values from {lo:.3g} to {hi:.3g}; grey levels must lie in "
                         f"[0, 255]: clip or rescale it (e.g. np.clip({var}, 0, 255)) or pass "
                         "uint8 frames")
    if peak is not None or first:
        top = hi if peak is None else max(float(peak), hi)
        if _looks_unit_scaled(top):
            before = "" if peak is None or float(peak) <= 0 else \
                f", and no earlier frame went above {float(peak):.3g}"
            raise ValueError(f"{name} is a float frame with values in [0, 1] (max {hi:.3g}"
                             f"{before}); the model works in grey levels 0..255: scale float "
                             f"frames to 0..255 (e.g. {var} * 255) or pass uint8 "
                             "(skimage.util.img_as_ubyte)")
    return arr


# ---------------------------------------------------------------- EM data

#: Above this the squares of the data overflow float64 (1e308).
MAX_ABS_DATA = 1e150
#: Below this largest weight, weight x responsibility x density products reach the subnormal
#: floats (< 2.2e-308), whose few digits change the fit (all weights 5e-324 gave another fit).
MIN_MAX_WEIGHT = 1e-150


def as_data(X, name="X", keep_dtype=False):
    """Return X as a 2-D array (N, d), refusing anything EM cannot use.

    A 1-D array is read as N points of one feature. Integer data (uint8 pixels) is
    converted to float64 so that squares cannot wrap around, unless ``keep_dtype`` (only
    the naive EM asks for that, to show the overflow). Floating data is always computed
    in float64 (float16 squares overflow at 256). The input is never modified.
    """
    arr = _asarray(X, name)
    if arr.dtype.kind == "c":
        raise InputTypeError(f"{name} is complex; a Gaussian mixture here models real data: "
                             f"pass {name}.real or np.abs({name})")
    _check_dtype(arr, name)
    if arr.ndim == 0:
        raise ValueError(f"{name} is a single number; pass an array of shape (n_points, n_features)")
    if arr.ndim == 1:
        arr = arr[:, None]
    elif arr.ndim > 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; EM takes a table of shape (n_points, n_features). "
            f"For an image use {name}.reshape(-1, {name}.shape[-1]) (colour) or {name}.ravel() (gray)")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); EM needs at least one point")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {arr.shape})")
    if arr.dtype == bool or arr.dtype.kind == "f" or not keep_dtype:
        arr = arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            rows = np.flatnonzero(bad.any(axis=1))
            raise ValueError(
                f"{name} has {bad.sum()} NaN or infinite values in {rows.size} rows (first at row "
                f"{rows[0]}); remove or impute them first, e.g. {name} = {name}[np.isfinite({name}).all(axis=1)]")
        top = np.abs(arr).max()
        if top > MAX_ABS_DATA:
            raise ValueError(f"{name} has values up to {top:.3g}; their squares overflow "
                             "float64. Rescale the data (e.g. divide by its standard deviation)")
    return arr


def as_weights(weights, n_points, name="weights"):
    """Return point weights (counts) as float64 of shape (N,); None means all ones."""
    if weights is None:
        return np.ones(n_points)
    w = _asarray(weights, name)
    if not (np.issubdtype(w.dtype, np.number) or w.dtype == bool) or np.iscomplexobj(w):
        raise InputTypeError(f"{name} must be real numbers, got dtype {w.dtype}")
    w = w.astype(np.float64).reshape(-1) if w.ndim <= 1 else w
    if w.ndim != 1 or w.shape[0] != n_points:
        raise ValueError(f"{name} has shape {np.shape(weights)} but X has {n_points} points; "
                         "pass one weight (count) per point")
    if not np.isfinite(w).all():
        raise ValueError(f"{name} contain NaN or infinity; every weight must be a finite count >= 0")
    if (w < 0).any():
        raise ValueError(f"{name} contain {int((w < 0).sum())} negative values; weights are "
                         "counts, use values >= 0")
    with np.errstate(over="ignore"):
        total = w.sum()
    if total <= 0:
        raise ValueError(f"all {name} are zero: at least one point must carry a positive weight")
    if w.max() < MIN_MAX_WEIGHT:
        raise ValueError(f"{name} are tiny (the largest is {w.max():.3g}); only their ratios "
                         "matter, but products of such numbers with probabilities fall below "
                         f"the smallest float64 and lose their digits: divide them by their "
                         f"largest value, {name} / {name}.max()")
    if not np.isfinite(total) or w.max() > MAX_ABS_DATA:
        raise ValueError(f"{name} are too large (up to {w.max():.3g}, sum {total:.3g}); only their "
                         f"ratios matter: divide them by their largest value, {name} / "
                         f"{name}.max()")
    return w


def n_distinct(X, weights, enough=None):
    """How many distinct points carry positive weight (a K above this cannot be fitted).

    With ``enough``, may stop counting once that many are found (a prefix usually suffices,
    which spares sorting a quarter-million pixels).
    """
    Xp = X[weights > 0]
    if enough is not None and Xp.shape[0] > 1000:
        found = np.unique(Xp[:1000], axis=0).shape[0]
        if found >= enough:
            return found
    return np.unique(Xp, axis=0).shape[0]


def validate_K(K, X, weights):
    """K must be a whole number between 1 and the number of distinct weighted points."""
    if isinstance(K, (bool, np.bool_)) or not isinstance(K, (int, np.integer)):
        raise InputTypeError(f"K (the number of components) must be a whole number, got "
                             f"{show(K)}")
    if K < 1:
        raise ValueError(f"K must be at least 1, got {K}")
    distinct = n_distinct(X, weights, enough=K)
    if K > distinct:
        raise ValueError(
            f"K={K} components but the data has only {distinct} distinct points with positive weight: "
            f"each component needs a point of its own. Use K <= {distinct}, or add data")
    return int(K)
