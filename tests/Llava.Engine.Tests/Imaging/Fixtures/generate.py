"""Regenerates the imaging test fixtures in this folder.

Expected values come from Pillow and from a NumPy transcription of transformers' slow CLIPImageProcessor that
reproduces tests/fixtures/reference/golden/pixels bit for bit. Run from the repository root in the sid chroot
(Pillow 13.0.0, whose resize runs the vertical pass first when the height shrinks by more than twice as many pixels
as the width; Pillow <= 12 always ran the horizontal pass first, which changes some resized pixels by a few levels):
    ../shared/tools/sid-chroot.sh run python3 tests/Llava.Engine.Tests/Imaging/Fixtures/generate.py
The decode fixtures were first written with Debian 12's python3-pil 9.4.0; Pillow 13 encodes animated.gif,
orientation8.webp and palette8.bmp to other bytes with the same decoded pixels (keep the committed files).
"""
import io
import json
import math
import os
import struct
import zlib

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
DECODED = os.path.join(HERE, "..", "..", "..", "fixtures", "reference", "images", "decoded")
rng = np.random.default_rng(20240611)


def path(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def hf_load_image(file):
    return np.asarray(ImageOps.exif_transpose(Image.open(file)).convert("RGB"))


# ---------------------------------------------------------------- decoding
def write_png(name, w, h, bit_depth, color_type, rows, plte=None, trns=None, exif=None, interlaced=False):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    s = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlaced else 0))
    if plte is not None:
        s += chunk(b"PLTE", plte)
    if trns is not None:
        s += chunk(b"tRNS", trns)
    s += chunk(b"IDAT", zlib.compress(b"".join(rows)))
    if exif is not None:
        s += chunk(b"eXIf", exif)  # after IDAT: Pillow still applies it
    s += chunk(b"IEND", b"")
    open(path("decode", name), "wb").write(s)


def filtered_rows(samples, bpp):
    """One row per filter type in turn, so the unfiltering of all five PNG filters is exercised."""
    rows = []
    prev = bytes(len(samples[0]))
    for y, row in enumerate(samples):
        f = y % 5
        out = bytearray()
        for i, v in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 0:
                p = 0
            elif f == 1:
                p = a
            elif f == 2:
                p = b
            elif f == 3:
                p = (a + b) // 2
            else:
                e = a + b - c
                pa, pb, pc = abs(e - a), abs(e - b), abs(e - c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out.append((v - p) & 0xFF)
        rows.append(bytes([f]) + bytes(out))
        prev = row
    return rows


def adam7_rows(img16, bpp_bytes):
    h, w = img16.shape[:2]
    rows = []
    for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
        sub = img16[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        rows += filtered_rows([sub[y].astype(">u2").tobytes() for y in range(sub.shape[0])], bpp_bytes)
    return rows


def decode_fixtures():
    w, h = 13, 9
    # Mostly values below 256, where Pillow's clipping keeps the low byte that Skia drops.
    g16 = np.where(rng.random((h, w)) < 0.6, rng.integers(0, 256, (h, w)), rng.integers(0, 65536, (h, w))).astype(np.uint16)
    g16[0, :5] = [0, 1, 255, 256, 300]
    write_png("gray16.png", w, h, 16, 0, filtered_rows([g16[y].astype(">u2").tobytes() for y in range(h)], 2))
    write_png("gray16_interlaced.png", w, h, 16, 0, adam7_rows(g16, 2), interlaced=True)
    rgb16 = rng.integers(0, 65536, (h, w, 3), dtype=np.uint16)
    write_png("rgb16.png", w, h, 16, 2, [b"\0" + rgb16[y].astype(">u2").tobytes() for y in range(h)])
    la16 = rng.integers(0, 65536, (h, w, 2), dtype=np.uint16)
    write_png("graya16.png", w, h, 16, 4, [b"\0" + la16[y].astype(">u2").tobytes() for y in range(h)])
    g2 = rng.integers(0, 4, (h, w), dtype=np.uint8)
    rows = []
    for y in range(h):
        bits = "".join(format(v, "02b") for v in g2[y]) + "0" * (-2 * w % 8)
        rows.append(b"\0" + int(bits, 2).to_bytes(len(bits) // 8, "big"))
    write_png("gray2.png", w, h, 2, 0, rows)
    la = rng.integers(0, 256, (h, w, 2), dtype=np.uint8)
    la[:3, :3, 1] = 0
    write_png("graya8.png", w, h, 8, 4, [b"\0" + la[y].tobytes() for y in range(h)])
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    rgb[1, 1] = [10, 20, 30]
    write_png("rgb_trns.png", w, h, 8, 2, [b"\0" + rgb[y].tobytes() for y in range(h)], trns=struct.pack(">HHH", 10, 20, 30))
    pal = rng.integers(0, 256, (16, 3), dtype=np.uint8)
    idx = rng.integers(0, 16, (h, w), dtype=np.uint8)
    write_png("palette_trns.png", w, h, 8, 3, [b"\0" + idx[y].tobytes() for y in range(h)], plte=pal.tobytes(), trns=bytes([0, 128, 255, 7]))

    yy, xx = np.mgrid[0:19, 0:29]
    photo = np.stack([(xx * 9 + yy) % 256, (yy * 13) % 256, ((xx * yy) * 2) % 256], -1).astype(np.uint8)
    photo = np.clip(photo.astype(int) + rng.integers(-20, 20, photo.shape), 0, 255).astype(np.uint8)
    p = Image.fromarray(photo)
    for o in range(1, 9):
        ex = Image.Exif()
        ex[0x0112] = o
        p.save(path("decode", f"orientation{o}.jpg"), quality=95, exif=ex.tobytes())
        write_png(f"orientation{o}.png", 29, 19, 8, 2, [b"\0" + photo[y].tobytes() for y in range(19)], exif=ex.tobytes()[6:])
    p.save(path("decode", "progressive_420.jpg"), quality=80, progressive=True, subsampling=2)
    p.convert("L").save(path("decode", "gray.jpg"), quality=80)
    p.convert("CMYK").save(path("decode", "cmyk.jpg"), quality=90)
    p.save(path("decode", "lossy.webp"), quality=80)
    rgba = np.concatenate([photo, rng.integers(0, 256, (19, 29, 1), dtype=np.uint8)], -1)
    rgba[:4, :4, 3] = 0
    Image.fromarray(rgba, "RGBA").save(path("decode", "lossless_alpha.webp"), lossless=True, exact=True)
    ex = Image.Exif()
    ex[0x0112] = 8
    p.save(path("decode", "orientation8.webp"), lossless=True, exif=ex.tobytes())
    p.save(path("decode", "rgb24.bmp"))
    p.convert("P", palette=Image.ADAPTIVE, colors=64).save(path("decode", "palette8.bmp"))
    write_gifs(p)

    expected = {}
    for name in sorted(os.listdir(path("decode"))):
        if name.endswith(".npy"):
            continue
        a = hf_load_image(path("decode", name))
        np.save(path("decode", name + ".rgb.npy"), a)
        expected[name] = Image.open(path("decode", name)).mode
    print("decode fixtures:", expected)


def write_gifs(p):
    def gif(w, h, transparency=None, colors=16):
        idx = rng.integers(0, colors, (h, w), dtype=np.uint8)
        im = Image.fromarray(idx, "P")
        im.putpalette(rng.integers(0, 256, colors * 3).tolist())
        b = io.BytesIO()
        im.save(b, "GIF", optimize=False, **({} if transparency is None else {"transparency": transparency}))
        return bytearray(b.getvalue())

    def descriptor(g):
        flags = g[10]
        pos = 13 + ((3 << ((flags & 7) + 1)) if flags & 128 else 0)
        while g[pos] != 0x2C:
            pos += 2
            while g[pos]:
                pos += g[pos] + 1
            pos += 1
        return pos

    def place(g, screen_w, screen_h, left, top, local_palette=None):
        g[6:10] = struct.pack("<HH", screen_w, screen_h)
        d = descriptor(g)
        g[d + 1:d + 5] = struct.pack("<HH", left, top)
        if local_palette is not None:
            bits = (len(local_palette) // 3).bit_length() - 1
            g[d + 9] |= 0x80 | (bits - 1)
            g[d + 10:d + 10] = bytes(local_palette)
        return g

    gifs = {
        "plain.gif": gif(20, 15),
        "transparent.gif": gif(20, 15, transparency=3),
        "offset_frame.gif": place(gif(20, 15), 30, 25, 4, 6),
        "offset_frame_transparent.gif": place(gif(20, 15, transparency=3), 30, 25, 4, 6),
        "local_palette_transparent.gif": place(gif(20, 15, transparency=5), 20, 15, 0, 0, rng.integers(0, 256, 48).tolist()),
    }
    frames = [p.convert("P", palette=Image.ADAPTIVE, colors=32), p.rotate(180).convert("P", palette=Image.ADAPTIVE, colors=32)]
    b = io.BytesIO()
    frames[0].save(b, "GIF", save_all=True, append_images=frames[1:], duration=100)
    gifs["animated.gif"] = bytearray(b.getvalue())
    for name, data in gifs.items():
        open(path("decode", name), "wb").write(data)


# ---------------------------------------------------------------- resizing and the CLIP pipeline
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]


def resize_output_size(h, w, shortest_edge):
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = shortest_edge, int(shortest_edge * long / short)
    return (new_long, new_short) if w <= h else (new_short, new_long)


def center_crop(a, crop_h, crop_w):
    h, w = a.shape[:2]
    top, left = (h - crop_h) // 2, (w - crop_w) // 2
    if top >= 0 and top + crop_h <= h and left >= 0 and left + crop_w <= w:
        return a[top:top + crop_h, left:left + crop_w]
    nh, nw = max(crop_h, h), max(crop_w, w)
    padded = np.zeros((nh, nw, 3), a.dtype)
    tp, lp = math.ceil((nh - h) / 2), math.ceil((nw - w) / 2)
    padded[tp:tp + h, lp:lp + w] = a
    top, left = top + tp, left + lp
    return padded[max(0, top):min(nh, top + crop_h), max(0, left):min(nw, left + crop_w)]


def clip_pipeline(a, cfg):
    size = cfg.get("size", {"shortest_edge": 224})
    if isinstance(size, int):
        size = {"shortest_edge": size}
    if isinstance(size, list):
        size = {"height": size[0], "width": size[1]}
    crop = cfg.get("crop_size", {"height": 224, "width": 224})
    if isinstance(crop, int):
        crop = {"height": crop, "width": crop}
    if isinstance(crop, list):
        crop = {"height": crop[0], "width": crop[1]}
    if cfg.get("do_resize", True):
        h, w = a.shape[:2]
        oh, ow = resize_output_size(h, w, size["shortest_edge"]) if "shortest_edge" in size else (size["height"], size["width"])
        a = np.array(Image.fromarray(a).resize((ow, oh), resample=cfg.get("resample", 3)))
    if cfg.get("do_center_crop", True):
        a = center_crop(a, crop["height"], crop["width"])
    if cfg.get("do_rescale", True):
        a = (a.astype(np.float64) * cfg.get("rescale_factor", 1 / 255)).astype(np.float32)
    if cfg.get("do_normalize", True):
        a = a.astype(np.float32)
        a = (a - np.array(cfg.get("image_mean", MEAN), dtype=np.float32)) / np.array(cfg.get("image_std", STD), dtype=np.float32)
    return np.ascontiguousarray(a.transpose(2, 0, 1)).astype(np.float32)


def resize_fixtures():
    cases = []
    sources = {n: np.load(os.path.join(DECODED, n + ".rgb.npy")) for n in ["landscape_640x480", "tiny_10x7", "gradient_84x84"]}
    plan = [("landscape_640x480", 71, 53, f) for f in range(6)]
    plan += [("tiny_10x7", 37, 26, f) for f in range(6)]
    plan += [("gradient_84x84", 31, 150, f) for f in (0, 2, 3)]
    plan += [("gradient_84x84", 84, 29, 3), ("gradient_84x84", 29, 84, 3), ("tiny_10x7", 10, 3, 3)]
    # Pillow 13's pass order around its boundary (150 - h > 2 * (200 - w) runs the vertical pass first) and with
    # the width growing; each case checks that the two orders really give different pixels.
    order_plan = [("photo_200x150_q90", w, h, f) for w, h, f in
                  [(146, 40, 3), (145, 40, 3), (150, 40, 2), (250, 100, 3), (120, 20, 1), (60, 20, 3)]]
    sources["photo_200x150_q90"] = np.load(os.path.join(DECODED, "photo_200x150_q90.rgb.npy"))
    for src, w, h, f in order_plan:
        im = Image.fromarray(sources[src])
        horizontal_first = np.asarray(im.resize((w, im.height), resample=f).resize((w, h), resample=f))
        vertical_first = np.asarray(im.resize((im.width, h), resample=f).resize((w, h), resample=f))
        assert not np.array_equal(horizontal_first, vertical_first), (src, w, h, f)
    for src, w, h, f in plan + order_plan:
        out = np.asarray(Image.fromarray(sources[src]).resize((w, h), resample=f))
        name = f"{src}_to_{w}x{h}_filter{f}.rgb.npy"
        np.save(path("resize", name), out)
        cases.append({"source": src, "width": w, "height": h, "filter": f, "expected": name})
    json.dump(cases, open(path("resize", "cases.json"), "w"), indent=1)

    configs = {
        "height_width_no_crop": {"size": {"height": 30, "width": 45}, "do_center_crop": False},
        "list_size_and_crop": {"size": [40, 50], "crop_size": [32, 36]},
        "crop_larger_than_image_pads": {"size": {"shortest_edge": 20}, "crop_size": {"height": 33, "width": 24}},
        "crop_wider_only_pads": {"size": {"shortest_edge": 30}, "crop_size": {"height": 25, "width": 47}},
        "bilinear": {"size": {"shortest_edge": 36}, "crop_size": 36, "resample": 2},
        "nearest": {"size": {"shortest_edge": 36}, "crop_size": 36, "resample": 0},
        "no_rescale": {"size": 24, "crop_size": 24, "do_rescale": False},
        "no_normalize": {"size": 24, "crop_size": 24, "do_normalize": False},
        "no_rescale_no_normalize": {"size": 24, "crop_size": 24, "do_rescale": False, "do_normalize": False},
        "no_resize": {"do_resize": False, "crop_size": {"height": 40, "width": 31}},
        "scalar_mean_std": {"size": 24, "crop_size": 24, "image_mean": 0.5, "image_std": 0.25, "rescale_factor": 0.004},
    }
    pipeline_cases = []
    for source in ["portrait_300x500", "tiny_10x7", "exif_rot6_120x80"]:
        a = np.load(os.path.join(DECODED, source + ".rgb.npy"))
        for cname, cfg in configs.items():
            out = clip_pipeline(a, cfg)
            name = f"{cname}_{source}.f32.npy"
            np.save(path("pipeline", name), out)
            pipeline_cases.append({"config": cfg, "source": source, "expected": name})
    json.dump(pipeline_cases, open(path("pipeline", "cases.json"), "w"), indent=1)

    # Self-check: the transcription reproduces the golden pixel values of the reference fixture.
    golden = os.path.join(DECODED, "..", "..", "golden", "pixels", "tiny-llava-visible")
    for n in sorted(os.listdir(golden)):
        a = np.load(os.path.join(DECODED, n.replace(".npy", ".rgb.npy")))
        out = clip_pipeline(a, {"size": {"shortest_edge": 84}, "crop_size": 84, "rescale_factor": 0.00392156862745098})
        assert np.array_equal(out, np.load(os.path.join(golden, n))), n


if __name__ == "__main__":
    decode_fixtures()
    resize_fixtures()
