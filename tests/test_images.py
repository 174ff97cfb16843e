"""The image pipeline on generated photos: sizes, formats, orientation, metadata, colour, cache."""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from sitegen.images.cache import leftover_temps
from sitegen.images.model import ImageRequest
from sitegen.images.pipeline import last_run, process_images
from sitegen.images.settings import ImageSettings
from tests.test_images_support import (
    CORNERS,
    SRGB_BLUE,
    SRGB_GREEN,
    SRGB_RED,
    card,
    close,
    cmyk_profile,
    corner_colours,
    open_output,
    rgb_profile,
    run,
    save,
)

PIL_FORMAT = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG", "avif": "AVIF"}


def test_variants_have_the_stated_sizes_and_formats(tmp_path: Path) -> None:
    src = save(card((2000, 1500)), tmp_path / "p" / "photo.jpg", "JPEG", quality=90)
    done, problems = run([src], tmp_path)
    assert problems == []
    image = done["p/photo.jpg"]
    assert [(v.width, v.height, v.format) for v in image.sources] == [
        (1600, 1200, "webp"), (960, 720, "webp"), (480, 360, "webp")]
    assert (image.fallback.width, image.fallback.height, image.fallback.format) == (960, 720, "jpeg")
    assert (image.width, image.height) == (960, 720)
    assert image.og is not None and (image.og.width, image.og.height) == (1200, 630)
    for v in (*image.sources, image.fallback, image.og):
        assert v.url.startswith("/img/")
        im = open_output(image, v.url)
        assert (im.size, im.format) == ((v.width, v.height), PIL_FORMAT[v.format])
        assert corner_colours(im)["tl"] == pytest.approx(CORNERS["tl"], abs=30)
    assert {rel for rel, _ in image.files} == {v.url[1:] for v in (*image.sources, image.fallback, image.og)}


@pytest.mark.parametrize(("size", "widths", "fallback", "og"), [
    ((300, 200), [300], (300, 200), (300, 158)),  # never upscaled: one 300-px variant
    ((1000, 500), [1000, 960, 480], (960, 480), (952, 500)),
    ((600, 900), [600, 480], (600, 900), (600, 315)),  # portrait: og crop from the middle
])
def test_small_sources_are_never_upscaled(tmp_path: Path, size: tuple[int, int], widths: list[int],
                                          fallback: tuple[int, int], og: tuple[int, int]) -> None:
    src = save(card(size), tmp_path / "small.jpg", "JPEG")
    image = run([src], tmp_path)[0]["small.jpg"]
    assert [v.width for v in image.sources] == widths
    assert (image.fallback.width, image.fallback.height) == fallback
    assert image.og is not None and (image.og.width, image.og.height) == og


def test_wide_banner_still_gets_a_full_size_og_image(tmp_path: Path) -> None:
    """The og crop of a 3:1 banner keeps only its height, so it is cut from more than the 1600-px variant."""
    src = save(card((2400, 800)), tmp_path / "banner.jpg", "JPEG", quality=90)
    image = run([src], tmp_path)[0]["banner.jpg"]
    assert [(v.width, v.height) for v in image.sources] == [(1600, 533), (960, 320), (480, 160)]
    assert image.og is not None and (image.og.width, image.og.height) == (1200, 630)
    og = open_output(image, image.og.url)
    assert og.size == (1200, 630) and og.format == "JPEG"
    # the centred crop of a 4-colour card: left half red/blue, right half green/yellow
    assert close(og.getpixel((300, 150)), CORNERS["tl"]) and close(og.getpixel((900, 480)), CORNERS["br"])
    for v in image.sources:
        assert open_output(image, v.url).size == (v.width, v.height)


# stored = what a camera writes for an upright scene under each EXIF orientation
_STORED = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
           4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
           7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}


@pytest.mark.parametrize("orientation", sorted(_STORED))
def test_exif_orientation_comes_out_upright(tmp_path: Path, orientation: int) -> None:
    upright = card((600, 800))
    method = _STORED[orientation]
    stored = upright.transpose(method) if method is not None else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    src = save(stored, tmp_path / "rot.jpg", "JPEG", quality=95, exif=exif)
    image = run([src], tmp_path)[0]["rot.jpg"]
    for v in (*image.sources, image.fallback):
        im = open_output(image, v.url)
        assert im.width < im.height, "portrait scene must stay portrait"
        got = corner_colours(im)
        assert all(close(got[c], CORNERS[c]) for c in CORNERS), (v.url, got)


def _metadata_sources(tmp_path: Path) -> list[Path]:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker-SECRET"
    exif[0x0112] = 1
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (30.0, 7.0, 12.5), 3: "E", 4: (120.0, 8.0, 1.5)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">FARMER-HOME-LOCATION</x:xmpmeta>'
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = card((1700, 1200))
    return [
        save(photo, tmp_path / "meta.jpg", "JPEG", exif=exif, xmp=xmp, icc_profile=srgb,
             comment=b"SECRET-COMMENT"),
        save(photo, tmp_path / "meta.png", "PNG", exif=exif, icc_profile=srgb),
        save(photo, tmp_path / "meta.webp", "WEBP", exif=exif, xmp=xmp, icc_profile=srgb),
    ]


def test_outputs_carry_no_metadata(tmp_path: Path) -> None:
    sources = _metadata_sources(tmp_path)
    assert all(b"PhoneMaker" in p.read_bytes() for p in sources)  # the test photos do carry EXIF
    done, problems = run(sources, tmp_path, ImageSettings(formats=("avif", "webp", "jpeg")))
    assert problems == [] and len(done) == 3
    for image in done.values():
        assert image.og is not None
        for rel, path in image.files:
            raw = path.read_bytes()
            for marker in (b"Exif\0\0", b"PhoneMaker", b"FARMER-HOME", b"SECRET-COMMENT", b"ns.adobe.com",
                           b"xmpmeta", b"acsp", b"ICC_PROFILE", b"iCCP", b"eXIf"):
                assert marker not in raw, (rel, marker)
            with Image.open(path) as im:
                assert not im.getexif(), rel
                assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(im.info), rel


def test_cmyk_comes_out_rgb_with_plausible_colours(tmp_path: Path) -> None:
    cmyk = Image.new("CMYK", (2400, 1800), (0, 255, 255, 0))  # red ink: magenta + yellow
    cmyk.paste((255, 0, 0, 0), (1200, 0, 2400, 1800))  # cyan ink
    src = save(cmyk, tmp_path / "print.jpg", "JPEG", quality=95)
    image = run([src], tmp_path)[0]["print.jpg"]
    for v in (*image.sources, image.fallback):
        im = open_output(image, v.url)
        assert im.mode == "RGB"
        red, cyan = im.getpixel((im.width // 4, im.height // 2)), im.getpixel((3 * im.width // 4, im.height // 2))
        assert red[0] > 200 and red[1] < 60 and red[2] < 60, red
        assert cyan[0] < 60 and cyan[1] > 200 and cyan[2] > 200, cyan


def test_cmyk_with_a_profile_gets_the_profile_colours(tmp_path: Path) -> None:
    """Under this profile magenta+yellow ink prints blue and cyan ink yellow (Pillow alone would say red
    and cyan): the output must show the profile's colours, in RGB, with no profile left in it."""
    def ink(c: int, m: int, y: int, k: int) -> tuple[float, float, float]:
        return (1 - m) * (1 - k), (1 - y) * (1 - k), (1 - c) * (1 - k)

    cmyk = Image.new("CMYK", (2400, 1800), (0, 255, 255, 0))
    cmyk.paste((255, 0, 0, 0), (1200, 0, 2400, 1800))
    src = save(cmyk, tmp_path / "print.jpg", "JPEG", quality=95, icc_profile=cmyk_profile(ink))
    done, problems = run([src], tmp_path)
    image = done["print.jpg"]
    assert problems == [] and image.og is not None
    for v in (*image.sources, image.fallback, image.og):
        im = open_output(image, v.url)
        assert im.mode == "RGB" and "icc_profile" not in im.info
        left, right = im.getpixel((im.width // 4, im.height // 2)), im.getpixel((3 * im.width // 4, im.height // 2))
        assert close(left, (0, 0, 255), 20) and close(right, (255, 255, 0), 20), (v.url, left, right)


def test_embedded_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    """A pixel stored as 'red' in a space whose red primary is sRGB green must come out green."""
    swapped = rgb_profile(SRGB_GREEN, SRGB_RED, SRGB_BLUE, "swapped primaries")
    src = save(Image.new("RGB", (2400, 1800), (255, 0, 0)), tmp_path / "p3.jpg", "JPEG", quality=95,
               icc_profile=swapped)
    image = run([src], tmp_path)[0]["p3.jpg"]
    for v in (*image.sources, image.fallback):
        px = open_output(image, v.url).convert("RGB").getpixel((10, 10))
        assert px[1] > 200 and px[0] < 60 and px[2] < 60, (v.url, px)


def test_damaged_profile_is_a_warning_and_the_photo_still_works(tmp_path: Path) -> None:
    src = save(card((640, 480)), tmp_path / "odd.jpg", "JPEG", icc_profile=b"not really a profile")
    done, problems = run([src], tmp_path)
    assert "odd.jpg" in done
    assert [(p.code, p.severity, p.path) for p in problems] == [("image-profile", "warning", "odd.jpg")]


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    grey = Image.new("I;16", (600, 400), 40000)  # 40000/65535 of white ≈ 155 of 255
    src = save(grey, tmp_path / "scan.png", "PNG")
    image = run([src], tmp_path)[0]["scan.png"]
    px = open_output(image, image.fallback.url).getpixel((5, 5))
    assert image.fallback.format == "jpeg" and abs(px[0] - 155) <= 3, px


@pytest.mark.parametrize(("transparent", "fallback"), [(True, "png"), (False, "jpeg")])
def test_palette_images_and_real_transparency(tmp_path: Path, transparent: bool, fallback: str) -> None:
    logo = Image.new("P", (500, 300), 1)
    logo.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    logo.paste(0, (0, 0, 250, 300))
    options = {"transparency": 0} if transparent else {}
    src = save(logo, tmp_path / "logo.png", "PNG", **options)
    image = run([src], tmp_path)[0]["logo.png"]
    assert image.fallback.format == fallback
    out = open_output(image, image.fallback.url)
    if transparent:
        assert out.mode == "RGBA" and out.getpixel((10, 10))[3] == 0 and out.getpixel((400, 10))[3] == 255
        assert image.placeholder == ""  # it would show through the cut-out
        assert open_output(image, image.sources[0].url).mode == "RGBA"
    else:
        assert out.getpixel((10, 10))[:3] == pytest.approx((255, 255, 255), abs=8)
        assert image.placeholder.startswith("#")


def test_opaque_alpha_channel_gets_a_jpeg_fallback(tmp_path: Path) -> None:
    src = save(card((640, 480)).convert("RGBA"), tmp_path / "shot.png", "PNG")
    assert run([src], tmp_path)[0]["shot.png"].fallback.format == "jpeg"


def test_gif_uses_its_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (400, 300), c) for c in ((200, 20, 20), (20, 20, 200))]
    src = tmp_path / "anim.gif"
    frames[0].save(src, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = run([src], tmp_path)[0]["anim.gif"]
    px = open_output(image, image.fallback.url).getpixel((200, 150))
    assert px[0] > 150 and px[2] < 80, px


def test_heic_and_tiff_inputs(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    heic = save(card((1200, 900)), tmp_path / "iphone.heic", "HEIF", quality=90)
    tiff = save(card((700, 500)), tmp_path / "scan.tif", "TIFF")
    done, problems = run([heic, tiff], tmp_path)
    assert problems == []
    assert [v.width for v in done["iphone.heic"].sources] == [1200, 960, 480]
    assert corner_colours(open_output(done["iphone.heic"], done["iphone.heic"].fallback.url))["br"] == \
        pytest.approx(CORNERS["br"], abs=30)
    assert [v.width for v in done["scan.tif"].sources] == [700, 480]


def test_avif_is_opt_in_and_listed_first(tmp_path: Path) -> None:
    src = save(card((1000, 750)), tmp_path / "a.jpg", "JPEG")
    plain = run([src], tmp_path)[0]["a.jpg"]
    assert {v.format for v in plain.sources} == {"webp"}
    image = run([src], tmp_path, ImageSettings(formats=("webp", "avif", "jpeg")))[0]["a.jpg"]
    assert [v.format for v in image.sources] == ["avif"] * 3 + ["webp"] * 3
    assert open_output(image, image.sources[0].url).format == "AVIF"


def test_placeholder_is_a_tiny_inline_thumbnail(tmp_path: Path) -> None:
    src = save(card((1600, 1200)), tmp_path / "p.jpg", "JPEG")
    image = run([src], tmp_path)[0]["p.jpg"]
    colour, uri = image.placeholder.split(" ")[:2]
    assert colour == image.colour and len(colour) == 7
    assert uri.startswith("url(data:image/webp;base64,") and len(uri) - 5 < 300


def test_second_run_decodes_and_rewrites_nothing(tmp_path: Path) -> None:
    sources = [save(card((900 + i, 700)), tmp_path / f"p{i}.jpg", "JPEG") for i in range(3)]
    first, _ = run(sources, tmp_path, jobs=2)
    assert (last_run().decoded, last_run().workers) == (3, 2)
    mtimes = {p: p.stat().st_mtime_ns for image in first.values() for _, p in image.files}
    second, problems = run(sources, tmp_path, jobs=2)
    assert problems == [] and second == first
    assert (last_run().decoded, last_run().read, last_run().cached) == (0, 0, 3)
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes


def test_the_build_works_meanwhile_and_sees_each_photo_counted(tmp_path: Path) -> None:
    """While the pool encodes, the caller's own work runs here (the workers are alive at that moment)."""
    sources = [save(card((1200 + 9 * i, 900)), tmp_path / f"m{i}.jpg", "JPEG") for i in range(4)]
    requests = [ImageRequest(p, p.name) for p in sources]
    seen: list[int] = []
    counted: list[tuple[int, int]] = []
    before = set(multiprocessing.active_children())  # anything an earlier test left running is not ours
    done, problems = process_images(
        requests, ImageSettings(), tmp_path / ".cache", 2, progress=lambda d, t: counted.append((d, t)),
        meanwhile=lambda: seen.append(len(set(multiprocessing.active_children()) - before)))
    assert problems == [] and len(done) == 4
    assert seen == [2], "called once, with both workers at work"
    assert counted == [(1, 4), (2, 4), (3, 4), (4, 4)]
    seen.clear()
    process_images(requests, ImageSettings(), tmp_path / ".cache", 2, meanwhile=lambda: seen.append(1))
    assert seen == [] and last_run().decoded == 0, "no pool, nothing to overlap: the caller does its work after"


def test_names_follow_content_and_settings(tmp_path: Path) -> None:
    a = save(card((800, 600)), tmp_path / "a.jpg", "JPEG")
    first = run([a], tmp_path)[0]["a.jpg"]
    moved = a.rename(tmp_path / "renamed.jpg")  # same bytes: same files, found without decoding
    again = run([moved], tmp_path)[0]["renamed.jpg"]
    assert again.fallback.url == first.fallback.url.replace("/img/a-", "/img/renamed-")
    assert {p for _, p in again.files} == {p for _, p in first.files} and last_run().decoded == 0
    other_quality = run([moved], tmp_path, ImageSettings(quality=60))[0]["renamed.jpg"]
    assert other_quality.fallback.url != again.fallback.url
    save(card((800, 600)).transpose(Image.Transpose.FLIP_LEFT_RIGHT), moved, "JPEG")  # edited photo
    assert run([moved], tmp_path)[0]["renamed.jpg"].fallback.url != again.fallback.url


def _build_in_another_process(sources: list[Path], root: Path) -> None:
    run(sources, root, jobs=1)


def test_concurrent_builds_share_the_cache_safely(tmp_path: Path) -> None:
    sources = [save(card((1000 + 7 * i, 800)), tmp_path / f"c{i}.jpg", "JPEG") for i in range(4)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_build_in_another_process, args=(sources, tmp_path)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    done, problems = run(sources, tmp_path)
    assert problems == [] and last_run().decoded == 0
    assert list(leftover_temps(tmp_path / ".cache")) == []
    for image in done.values():
        for v in image.sources:
            assert open_output(image, v.url).size == (v.width, v.height)


@pytest.mark.parametrize(("rel", "prefix"), [
    ("products/b/p/photo-1.jpg", "photo-1-"), ("p/Cover Photo.JPG", "cover-photo-"), ("p/茶园.jpg", ""),
    ("p/茶园-2.jpg", "2-"), ("p/" + "x" * 60 + ".png", "x" * 40 + "-"),
])
def test_published_names_start_with_a_readable_stem(tmp_path: Path, rel: str, prefix: str) -> None:
    src = save(card((500, 400)), tmp_path / rel, "PNG" if rel.endswith("png") else "JPEG")
    image = run([src], tmp_path)[0][rel]
    assert re.fullmatch(rf"/img/{re.escape(prefix)}[0-9a-f]{{20}}-480\.webp", image.sources[-1].url)
