"""Video in: a frame iterator over a file, and OpenCV's two sample clips fetched on first use.

The clips are not in the repository. ``fetch_clip`` puts them in a cache outside it
(``$GMMLIB_DATA``, else ``$XDG_CACHE_HOME/gmmlib``, else ``~/.cache/gmmlib``) and tries, in
order: the cache; OpenCV's repository on the web (for users online); Debian's
``opencv-doc`` package; the source archive of ``opencv-python-headless`` on PyPI. Every copy
is checked against its sha256 before use.

Credits: both clips are OpenCV samples (``samples/data``). The ``vtest.avi`` scene matches
PETS 2009 S2.L1 (University of Reading), whose terms ask for an acknowledgement.
"""
import hashlib
import itertools
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from ._validate import (InputTypeError, ieee_errstate, validate_bool, validate_callable, validate_float,
                      validate_int, validate_iterable, validate_path, show)

__all__ = ["CLIPS", "cache_dir", "fetch_clip", "read_frames"]

#: name -> (size in bytes, sha256, what it shows)
CLIPS = {
    "vtest.avi": (8_131_690, "45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf",
                  "people walking on a plaza, fixed camera, 768x576, 795 frames at 10 fps"),
    "tree.avi": (1_250_680, "4666099d0f704e310047b2f0a5ec9f936cb76a7271de9a2e70a0c57f82ac82dc",
                 "a swaying tree, fixed camera, 320x240, 449 frames; a hand enters near frame 350"),
}
OPENCV_URL = "https://raw.githubusercontent.com/opencv/opencv/4.x/samples/data/{name}"
DEB_PATH = "./usr/share/doc/opencv-doc/examples/data/{name}"
SDIST = "opencv-python-headless==4.12.0.88"
SDIST_PATH = "opencv-python-headless-4.12.0.88/opencv/samples/data/{name}"


def _expand(value):
    """``~`` and ``$VARS`` expanded, as a shell would have done: os.environ["GMMLIB_DATA"] =
    "~/clips" set from Python would otherwise make a folder literally named ``~``."""
    return Path(os.path.expanduser(os.path.expandvars(str(value))))


def cache_dir():
    """Where fetched clips live: $GMMLIB_DATA, else $XDG_CACHE_HOME/gmmlib, else ~/.cache/gmmlib."""
    if os.environ.get("GMMLIB_DATA"):
        return _expand(os.environ["GMMLIB_DATA"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return _expand(base) / "gmmlib"


def _origin():
    return "GMMLIB_DATA" if os.environ.get("GMMLIB_DATA") else "the default cache"


def _cached_copy(target, size, digest):
    """The cached clip if it is whole; None if there is none; a sentence if it is damaged.

    An unreadable copy raises: fetching again could not replace it either when it belongs
    to someone else, and a silent re-download of 8 MB per notebook run would hide that.
    """
    if not target.exists():
        return None
    if not target.is_file():
        raise ValueError(f"{target} is in the way of the clip: it is a folder, not the clip "
                         f"file; remove it, or set GMMLIB_DATA to another folder")
    if not os.access(target, os.R_OK):
        raise PermissionError(f"the cached clip {target} cannot be read (permission denied); "
                              f"delete it (rm {target}) or make it readable (chmod a+r), then "
                              "call fetch_clip again, or set GMMLIB_DATA to a folder of your own")
    try:
        got_size = target.stat().st_size
        whole = got_size == size and sha256(target) == digest
    except OSError as exc:
        raise PermissionError(f"the cached clip {target} cannot be read ({exc.strerror or exc}); "
                              f"delete it (rm {target}) and call fetch_clip again") from None
    if whole:
        return target
    why = (f"{got_size:,} bytes instead of {size:,}" if got_size != size
           else "its sha256 does not match")
    return f"the copy already at {target} is damaged ({why}, an interrupted copy?)"


def sha256(path):
    """The sha256 digest of a file, as a hex string."""
    path = validate_path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"no file at {path}")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _say(message):
    print(message, file=sys.stderr, flush=True)


def _from_url(name, dest, workdir, timeout=10):
    url = OPENCV_URL.format(name=name)
    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0)
        done, shown = 0, -1
        while chunk := response.read(1 << 16):
            out.write(chunk)
            done += len(chunk)
            pct = 100 * done // total if total else -1
            if pct >= shown + 10:
                _say(f"  {done / 1e6:.1f} MB" + (f" ({pct}%)" if total else ""))
                shown = pct
    return url


def _from_debian(name, dest, workdir):
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        raise RuntimeError("apt-get and dpkg-deb are not available (not a Debian-like system)")
    _say("  apt-get download opencv-doc (about 96 MB)")
    run = subprocess.run(["apt-get", "download", "opencv-doc"], cwd=workdir,
                         capture_output=True, text=True, timeout=600)
    debs = sorted(Path(workdir).glob("opencv-doc_*.deb"))
    if run.returncode != 0 or not debs:
        raise RuntimeError(f"apt-get download failed: {run.stderr.strip()[-300:] or run.returncode}"
                           " (an 'apt-get update' may be needed)")
    # stderr is dropped: dpkg-deb complains of a broken pipe when we stop reading at the clip
    fs = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(debs[0])], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    with tarfile.open(fileobj=fs.stdout, mode="r|") as tar:
        for member in tar:
            if member.name == DEB_PATH.format(name=name):
                with tar.extractfile(member) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
                break
        else:
            raise RuntimeError(f"{name} is not in {debs[0].name}")
    fs.stdout.close()
    fs.kill()
    fs.wait()
    return f"Debian package {debs[0].name}"


def _from_pypi(name, dest, workdir):
    _say(f"  pip download --no-binary {SDIST} (source archive, about 95 MB)")
    # pip unpacks into TMPDIR: pointed at the work folder, which is known to be writable.
    run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                          "opencv-python-headless", "-d", workdir, SDIST],
                         capture_output=True, text=True, timeout=900,
                         env={**os.environ, "TMPDIR": str(workdir)})
    archives = sorted(Path(workdir).glob("opencv*python*headless*.tar.gz"))
    if run.returncode != 0 or not archives:
        raise RuntimeError(f"pip download failed: {run.stderr.strip()[-300:] or run.returncode}")
    with tarfile.open(archives[0], "r:gz") as tar:
        member = tar.getmember(SDIST_PATH.format(name=name))
        with tar.extractfile(member) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out)
    return f"PyPI source archive {archives[0].name}"


ROUTES = (("OpenCV's repository on the web", _from_url),
          ("Debian's opencv-doc package", _from_debian),
          ("the opencv-python-headless source archive on PyPI", _from_pypi))


def fetch_clip(name, routes=ROUTES):
    """Path of OpenCV's sample clip ``name`` ("vtest.avi" or "tree.avi"), fetched on first use.

    Tries the cache, then each route in ``routes`` in turn, checks the sha256 of what it got,
    and keeps the first good copy in ``cache_dir()``. Progress goes to stderr. When every route
    fails, a RuntimeError lists what was tried and how to place the file by hand.

    Before any download the cache folder must be writable (else a PermissionError names it
    and GMMLIB_DATA); the download's work folder lives in the cache, so an unwritable system
    temp folder does not matter. A cached copy that cannot be read raises a PermissionError
    saying to delete it; a damaged one (wrong size or sha256) is replaced, and named in the
    error if no route works.
    """
    if not isinstance(name, str) or name not in CLIPS:
        error = ValueError if isinstance(name, str) else InputTypeError
        raise error(f"unknown clip {show(name)}; name must be one of {sorted(CLIPS)}")
    routes = _check_routes(routes)
    size, digest, _ = CLIPS[name]
    folder = cache_dir()
    target = folder / name
    cached = _cached_copy(target, size, digest)
    if isinstance(cached, Path):
        return target
    damaged = cached  # None, or what is wrong with the copy there
    if damaged:
        _say(f"{damaged}: fetching a fresh one")
    _writable_cache(folder, name, damaged)
    tried = []
    # The work folder is made inside the cache (checked writable above), not in the system's
    # temp folder, which may be unwritable or full on a shared server; the finished file is
    # then renamed within one file system.
    with tempfile.TemporaryDirectory(dir=folder, prefix=f".{name}.fetch-") as workdir:
        for label, route in routes:
            source = _try_route(label, route, name, Path(workdir), digest, tried)
            if source is None:
                continue
            # Into the cache under a name of its own, then renamed in one step: a notebook or
            # test fetching the same clip in parallel sees either no file or the whole file.
            staged = folder / f".{name}.{os.getpid()}.part"
            shutil.move(Path(workdir) / (name + ".part"), staged)
            os.replace(staged, target)
            _say(f"  {name} ({size:,} bytes, sha256 checked) from {source} -> {target}")
            return target
    raise RuntimeError(
        f"could not fetch {name}" + (f" ({damaged}: delete it)" if damaged else "") +
        ". Tried:\n  - " + "\n  - ".join(tried) +
        f"\nTo place it by hand: download {OPENCV_URL.format(name=name)} (or take "
        f"usr/share/doc/opencv-doc/examples/data/{name} from Debian's opencv-doc package) and "
        f"copy it to {target} (sha256 {digest}); set GMMLIB_DATA to use another folder.")


def _writable_cache(folder, name, damaged):
    """Create the cache folder, and refuse before any download when it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # GMMLIB_DATA names a file, or a folder we may not create
        why = ("it is a file, not a folder" if folder.exists() and not folder.is_dir()
               else exc.strerror or str(exc))
        raise ValueError(f"cannot keep the clips in {folder} (from {_origin()}): {why}; set "
                         "GMMLIB_DATA to a folder you can write to, or unset it to use "
                         "~/.cache/gmmlib") from None
    # Checked before any download: a read-only cache (a shared course folder) used to fail
    # only after fetching 8 to 96 MB.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(
            f"cannot write to the clip cache {folder} (from {_origin()}), so {name} cannot be "
            f"fetched into it" + (f"; {damaged}, delete it" if damaged else "") +
            f". Set GMMLIB_DATA to a folder you can write to (e.g. os.environ['GMMLIB_DATA'] = "
            f"'~/gmmlib-data', before the call), or ask whoever owns {folder} to place {name} "
            "there")


def _try_route(label, route, name, workdir, digest, tried):
    """Fetch ``name`` into workdir/<name>.part by one route; its source, or None (and why, in tried)."""
    _say(f"fetching {name}: trying {label}")
    part = workdir / (name + ".part")
    try:
        source = route(name, part, str(workdir))
    except Exception as exc:  # each route may fail in its own way; say how, try the next
        tried.append(f"{label}: {type(exc).__name__}: {exc}")
        _say(f"  failed: {exc}")
        return None
    if not part.is_file():
        tried.append(f"{label}: it returned without writing the file")
        _say("  failed: no file was written")
        return None
    got = sha256(part)
    if got != digest:
        tried.append(f"{label}: wrong sha256 {got}")
        _say("  failed: the file's sha256 does not match")
        return None
    return source


def _check_routes(routes):
    """routes must be (label, function) pairs, the function called as route(name, dest, workdir)."""
    fix = ("routes must be a sequence of (label, function) pairs, e.g. "
           "[(\"the web\", gmmlib.video._from_url)]")
    validate_iterable(routes, "routes", "(label, function) pairs")
    checked = []
    for i, pair in enumerate(routes):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2 or not isinstance(pair[0], str):
            raise InputTypeError(f"{fix}; routes[{i}] is {show(pair)}")
        checked.append((pair[0], validate_callable(pair[1], f"routes[{i}][1]")))
    return checked


@ieee_errstate  # called inside the frame generator, after read_frames has returned
def _to_gray(frame):
    """ITU-R BT.601 luma, rounded back to uint8 (what OpenCV's COLOR_RGB2GRAY computes)."""
    gray = frame[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(np.rint(gray), 0, 255).astype(np.uint8)


@ieee_errstate
def _downscale(frame, scale):
    step = round(1 / scale)
    if abs(step * scale - 1) < 1e-9:  # 1/2, 1/3, ...: average step x step blocks (fast, exact)
        H, W = (frame.shape[0] // step) * step, (frame.shape[1] // step) * step
        f = frame[:H, :W].reshape(H // step, step, W // step, step, *frame.shape[2:])
        return np.rint(f.mean(axis=(1, 3))).astype(frame.dtype)
    from skimage.transform import resize
    shape = (max(1, round(frame.shape[0] * scale)), max(1, round(frame.shape[1] * scale)))
    return np.rint(resize(frame, shape + frame.shape[2:], preserve_range=True,
                          anti_aliasing=True)).astype(frame.dtype)


def read_frames(path, gray=False, scale=None, max_frames=None, start=0):
    """Yield the frames of a video file as uint8 arrays, (H, W, 3) or (H, W) with ``gray``.

    ``scale`` in (0, 1] shrinks each frame (1/2, 1/3 ... by block averaging); ``start`` skips
    frames; ``max_frames`` stops early. Decoding is done by imageio's ffmpeg plugin (the
    imageio-ffmpeg wheel carries ffmpeg). The arguments are checked and the first frame is
    decoded at the call, so that a bad argument or a file that is not a video fails there,
    not later in a loop: a missing file raises FileNotFoundError; a bad argument, a file that
    cannot be decoded or whose frames change size or type, or a ``start`` at or past the last
    frame (the message gives the clip's length) raises ValueError (or TypeError).
    """
    path = validate_path(path, "path")
    if path.is_dir():
        raise ValueError(f"path {path} is a folder; pass the path of a video file in it")
    if not path.is_file():
        raise FileNotFoundError(f"no video file at {path}; check the path, or get OpenCV's sample "
                                "clips with gmmlib.video.fetch_clip('tree.avi')")
    gray = validate_bool(gray, "gray")
    scale = validate_float(scale, "scale", "(0, 1]", allow_none=True,
                        hint="it is a downscaling factor, e.g. 0.5 for half the width and height")
    max_frames = validate_int(max_frames, "max_frames", "[0, inf)", allow_none=True)
    start = validate_int(start, "start", "[0, inf)", hint="it is the number of frames to skip")
    frames = _decode(path, gray, scale, max_frames, start)
    try:
        first = next(frames)
    except StopIteration:
        return iter(())
    return itertools.chain([first], frames)


def _decode(path, gray, scale, max_frames, start):
    import imageio.v3 as iio

    n_read = 0
    try:
        frames = iio.imiter(path, plugin="FFMPEG")
        first = None
        for i, frame in enumerate(frames):
            n_read = i + 1
            if i < start:
                continue
            if max_frames is not None and i - start >= max_frames:
                break
            if first is None:
                first = (frame.shape, frame.dtype)
                if scale is not None and min(frame.shape[:2]) * scale < 1:
                    raise ValueError(f"scale={scale:g} would shrink the {frame.shape[1]}x"
                                     f"{frame.shape[0]} frames of {path} below one pixel; use "
                                     f"scale >= {1 / min(frame.shape[:2]):.3g}")
            elif (frame.shape, frame.dtype) != first:
                raise ValueError(f"frame {i} of path {path} has shape {frame.shape} and dtype {frame.dtype}, "
                                 f"but the first frame had {first[0]} and {first[1]}; a background "
                                 "model needs frames of one size: re-encode the video at one size")
            if gray and frame.ndim == 3:
                frame = _to_gray(frame)
            if scale is not None and scale != 1:
                frame = _downscale(frame, scale)
            yield frame
    except (OSError, RuntimeError, StopIteration, IndexError) as exc:
        raise ValueError(f"could not decode path {path} as a video ({type(exc).__name__}: "
                         f"{str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}); is it a "
                         "video file that ffmpeg can read (e.g. .avi, .mp4)?") from None
    if first is None and (start == 0 or n_read == 0) and max_frames != 0:
        raise ValueError(f"path {path} holds no frames; is it a video file?")
    if first is None and start > 0 and max_frames != 0:
        raise ValueError(f"start={start} skips every frame: {path} has {n_read} frames "
                         f"(0 to {n_read - 1}); pass start < {n_read}")
