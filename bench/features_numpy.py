#!/usr/bin/env python3
"""numpy/scipy implementation of the prognos-vibration feature set (src/features/feature-set.ts),
used by bench/features.bench.ts to check values and compare speed.

Reads windows as little-endian float64 (windows x window_length) from --input, the feature-set
params as JSON from --params, writes features as float64 (windows x features) to --output and a
JSON line with timings on stdout. Vectorised over windows (2-D arrays, axis=-1): the fastest way to
use numpy, so the comparison is against numpy at its best, not a per-window Python loop.
"""
import argparse
import json
import sys
import time

import numpy as np
from scipy.signal import get_window

G = 9.80665


def defect_freqs(geom, shaft_hz):
    n, d, D, angle = geom
    r = d / D * np.cos(np.deg2rad(angle))
    ftf = shaft_hz / 2 * (1 - r)
    return {
        "bpfo": n * ftf,
        "bpfi": n * shaft_hz * (1 + r) / 2,
        "bsf": 2 * (D / (2 * d)) * shaft_hz * (1 - r * r),
        "ftf": ftf,
    }


def band_slice(lo, hi, bin_hz, bins):
    nyq = (bins - 1) * bin_hz
    start = max(1, int(np.ceil(lo / bin_hz - 1e-9)))
    end = bins if hi >= nyq else min(bins, int(np.ceil(hi / bin_hz - 1e-9)))
    return start, max(start, end)


def features(X, p, shaft_hz, geom):
    W, n = X.shape
    fs = p["sampleRate"]
    bins = n // 2 + 1
    bin_hz = fs / n
    out = []
    # time domain
    mean = X.mean(axis=1)
    d = X - mean[:, None]
    d2 = d * d
    m2 = d2.mean(axis=1)
    m3 = (d2 * d).mean(axis=1)
    m4 = (d2 * d2).mean(axis=1)
    absx = np.abs(X)
    rms = np.sqrt((X * X).mean(axis=1))
    peak = absx.max(axis=1)
    mean_abs = absx.mean(axis=1)
    mean_sqrt = np.sqrt(absx).mean(axis=1)
    out += [mean, np.sqrt(m2), rms, peak, X.max(axis=1) - X.min(axis=1), peak / rms,
            m4 / m2**2, m3 / m2**1.5, rms / mean_abs, peak / mean_abs, peak / mean_sqrt**2]
    # spectrum of the mean-removed window
    w = get_window(p["window"], n)  # periodic, as in src/signal/window.ts
    S = np.fft.rfft(d * w, axis=1)
    sq = S.real**2 + S.imag**2
    edge = np.full(bins, 2.0)
    edge[0] = 1.0
    if n % 2 == 0:
        edge[-1] = 1.0
    power = sq * edge / (n * np.sum(w * w))
    mag = np.sqrt(sq) * edge / np.sum(w)
    f = np.arange(bins) * bin_hz
    lo, hi = p["velocityBand"]
    vb = (f >= lo) & (f <= hi) & (np.arange(bins) > 0)
    vw = np.zeros(bins)
    vw[vb] = (G * 1000 / (2 * np.pi * f[vb])) ** 2
    out.append(np.sqrt(power @ vw))
    P = power[:, 1:]
    M = mag[:, 1:]
    out.append((np.argmax(M, axis=1) + 1) * bin_hz)
    out.append((M @ np.arange(1, bins)) / M.sum(axis=1) * bin_hz)
    with np.errstate(divide="ignore", invalid="ignore"):
        Ps = P.sum(axis=1)
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1)), 0).sum(axis=1)
    out.append((np.log(Ps) - plogp / Ps) / np.log(bins - 1))
    for lo, hi in p["bands"]:
        s, e = band_slice(lo, hi, bin_hz, bins)
        out.append(power[:, s:e].sum(axis=1))
    env = p.get("envelope")
    if env:
        if shaft_hz is None or geom is None:
            out += [np.full(W, np.nan)] * 4
        else:
            R = np.fft.rfft(d, axis=1)
            s, e = band_slice(env["band"][0], env["band"][1], bin_hz, bins)
            e = min(e, bins - 1 if n % 2 == 0 else bins)
            Z = np.zeros((W, n), dtype=complex)
            Z[:, s:e] = 2 * R[:, s:e]
            e_t = np.abs(np.fft.ifft(Z, axis=1))
            ew = get_window(env["window"], n)
            E = np.fft.rfft((e_t - e_t.mean(axis=1)[:, None]) * ew, axis=1)
            emag = np.abs(E) * edge / np.sum(ew)
            tol = env["tolerance"]
            fr = defect_freqs(geom, shaft_hz)
            for key in ("bpfo", "bpfi", "bsf", "ftf"):
                acc = np.zeros(W)
                found = False
                for h in range(1, env["harmonics"] + 1):
                    fh = h * fr[key]
                    half = max(tol["fraction"] * fh, tol["bins"] * bin_hz)
                    a = max(1, int(np.ceil((fh - half) / bin_hz - 1e-9)))
                    b = min(bins - 1, int(np.floor((fh + half) / bin_hz + 1e-9)))
                    if a <= b:
                        acc += emag[:, a:b + 1].max(axis=1) ** 2
                        found = True
                out.append(np.sqrt(acc) if found else np.full(W, np.nan))
    return np.stack(out, axis=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--params", required=True, help="feature-set params as JSON")
    ap.add_argument("--output", required=True)
    ap.add_argument("--shaft", help="float64 file: shaft speed (Hz) of each window (NaN = unknown)")
    ap.add_argument("--bearing", help="n_balls,ball_d,pitch_d,contact_deg")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--batch", default="0,64,16",
                    help="windows per call to try (0 = all); the fastest is reported")
    a = ap.parse_args()
    p = json.loads(a.params)
    n = p["windowLength"]
    X = np.fromfile(a.input, dtype="<f8").reshape(-1, n)
    geom = tuple(float(v) for v in a.bearing.split(",")) if a.bearing else None
    shaft = np.fromfile(a.shaft, dtype="<f8") if a.shaft else np.full(len(X), np.nan)

    def run(lo, hi):
        # One vectorised call per shaft speed: the defect search ranges depend on it.
        S = shaft[lo:hi]
        out = None
        for s in np.unique(S):
            idx = S == s if not np.isnan(s) else np.isnan(S)
            F = features(X[lo:hi][idx], p, None if np.isnan(s) else s, geom)
            if out is None:
                out = np.empty((hi - lo, F.shape[1]))
            out[idx] = F
        return out

    F = run(0, len(X))
    F.astype("<f8").tofile(a.output)
    # timing: repeat whole passes over all windows for about --seconds per batch size
    best, best_batch = 0.0, 0
    sizes = [int(b) or len(X) for b in a.batch.split(",")]
    for batch in sizes:
        done = 0
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < a.seconds / len(sizes):
            for s in range(0, len(X), batch):
                run(s, min(len(X), s + batch))
            done += len(X)
        rate = done / (time.perf_counter() - t0)
        if rate > best:
            best, best_batch = rate, batch
    # and one window at a time, the way a streaming service sees them
    t1 = time.perf_counter()
    single = 0
    while time.perf_counter() - t1 < a.seconds / 2:
        for i in range(min(len(X), 200)):
            run(i, i + 1)
            single += 1
    dt1 = time.perf_counter() - t1
    json.dump({"windows_per_s": best, "single_window_per_s": single / dt1, "windows": len(X),
               "batch": best_batch, "numpy": np.__version__, "features": F.shape[1]}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
