"""Images of stories: judged by their content, re-encoded small and clean, stored outside static/.

An upload is opened with Pillow, never trusted by its name or declared type: only JPEG, PNG and WebP are
read, its size in pixels is checked from the header before a single pixel is decoded (a decompression
bomb is refused unread), and a truncated or damaged file fails the full decode. What is stored is a new
JPEG made from the pixels alone, turned upright by its orientation tag, at most STORY_IMAGE_WIDTH pixels
wide, plus a thumbnail: no EXIF (camera, GPS position, time), no XMP, no ICC profile, no comments.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from ..domain import InvalidInput

log = logging.getLogger("matchmaker.stories")

FORMATS = ("JPEG", "PNG", "WEBP")
# The stored names: a random token, and the token with "-thumb" for the thumbnail.
NAME = re.compile(r"^[0-9a-f]{32}$")
JPEG_QUALITY = 85

ERROR_MESSAGES = {
    "empty": _l("The file is empty. Please choose a photo or picture (JPEG, PNG or WebP)."),
    "not_image": _l("This file is not an image we can read. Please upload a JPEG, PNG or WebP picture."),
    "damaged": _l("This image is damaged or incomplete and cannot be read. Please save it again and upload "
                  "the new file."),
    "too_many_pixels": _l("This image has too many pixels. Please make it smaller (at most about 40 "
                          "megapixels) and upload it again."),
}


class ImageError(InvalidInput):
    """A file that is not accepted as a story's image; `code` names the reason."""

    def __init__(self, code: str):
        Exception.__init__(self, code)
        self.code = code

    @property
    def message(self):
        if self.code == "too_large":
            megabytes = "%g" % (current_app.config["STORY_IMAGE_MAX_BYTES"] / (1024 * 1024))
            return gettext("The image is too large: at most %(mb)s MB.", mb=megabytes)
        return ERROR_MESSAGES.get(self.code, ERROR_MESSAGES["not_image"])


def image_dir() -> Path:
    configured = current_app.config.get("STORY_IMAGE_DIR")
    if configured:
        folder = Path(configured)
    else:
        uploads = current_app.config.get("UPLOAD_DIR")
        folder = (Path(uploads) if uploads else Path(current_app.instance_path) / "uploads") / "stories"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def path_of(name: str, thumb: bool = False) -> Path | None:
    """The stored file of an image name; None for a name that is not one of ours."""
    if not name or not NAME.match(name):
        return None
    return image_dir() / f"{name}{'-thumb' if thumb else ''}.jpg"


def _open(data: bytes) -> Image.Image:
    """The decoded image, upright and flattened to RGB; ImageError for anything else."""
    if not data:
        raise ImageError("empty")
    if len(data) > current_app.config["STORY_IMAGE_MAX_BYTES"]:
        raise ImageError("too_large")
    max_pixels = current_app.config["STORY_IMAGE_MAX_PIXELS"]
    with warnings.catch_warnings():
        # Pillow warns (and above twice its limit refuses) for huge images; our own limit below is lower.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageError("too_many_pixels" if "decompression" in type(error).__name__.lower()
                             else "not_image") from error
        except (OSError, ValueError, SyntaxError) as error:
            raise ImageError("not_image") from error
        width, height = image.size
        if width < 1 or height < 1:
            raise ImageError("damaged")
        if width * height > max_pixels:
            raise ImageError("too_many_pixels")
        if image.format == "JPEG":
            # Decode a large JPEG at a half, quarter or eighth of its size, never below what is kept: less
            # memory and time for the same stored result.
            kept = current_app.config["STORY_IMAGE_WIDTH"]
            image.draft("RGB", (kept, kept))
        try:
            image.load()
            image = ImageOps.exif_transpose(image)
        except Exception as error:  # noqa: BLE001  whatever the decoder raises on hostile bytes means "damaged"
            raise ImageError("damaged") from error
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _clean_jpeg(image: Image.Image, width: int) -> bytes:
    """A new JPEG of the pixels alone, at most `width` pixels wide (and as high), without any metadata."""
    copy = image.copy()
    copy.thumbnail((width, width), Image.Resampling.LANCZOS)
    # A fresh image from the raw pixels: nothing of the original's info (EXIF, XMP, ICC, comments) comes along.
    clean = Image.frombytes("RGB", copy.size, copy.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def store_image(data: bytes) -> str:
    """Check, clean and store an uploaded image with its thumbnail; returns the new name."""
    image = _open(data)
    config = current_app.config
    large = _clean_jpeg(image, config["STORY_IMAGE_WIDTH"])
    thumb = _clean_jpeg(image, config["STORY_THUMB_WIDTH"])
    name = secrets.token_hex(16)
    for path, content in ((path_of(name), large), (path_of(name, thumb=True), thumb)):
        path.write_bytes(content)
        path.chmod(0o600)
    return name


def remove_image(name: str | None) -> None:
    """Delete an image's files (after the commit that stopped using them); a missing file is no error."""
    if not name:
        return
    for thumb in (False, True):
        path = path_of(name, thumb=thumb)
        if path is None:
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove story image %s: %s", path.name, error)
