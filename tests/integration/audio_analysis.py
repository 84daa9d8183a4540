"""Tone checks for recorded call audio: frequency, signal-to-noise ratio, gaps.

The end-to-end tests send a pure tone from one side and record the other;
these functions decide whether the recording carries that tone well enough:
within 1 % of its frequency, at least 20 dB above everything else, and with
less than 200 ms of silence per 10 s once audio has started.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import wave

import numpy as np


@dataclass
class ToneReport:
    frequency: float        # strongest frequency in the voiced part, Hz
    snr_db: float           # power within +-2 % of the expected tone over the rest, dB
    gap_ms: float           # silence after the first voiced frame, scaled to per 10 s
    voiced_seconds: float   # length of the part analysed, s
    rms: float              # RMS level of the voiced part, full scale = 1.0

    def check(self, expected_hz: float, *, tolerance: float = 0.01, min_snr_db: float = 20.0,
              max_gap_ms_per_10s: float = 200.0, min_seconds: float = 1.0) -> None:
        """Raise AssertionError naming the failed criterion."""
        assert self.voiced_seconds >= min_seconds, f"only {self.voiced_seconds:.2f} s of audio: {self}"
        assert abs(self.frequency - expected_hz) <= expected_hz * tolerance, \
            f"tone at {self.frequency:.1f} Hz, expected {expected_hz} Hz: {self}"
        assert self.snr_db >= min_snr_db, f"SNR {self.snr_db:.1f} dB < {min_snr_db} dB: {self}"
        assert self.gap_ms <= max_gap_ms_per_10s, f"gaps {self.gap_ms:.0f} ms per 10 s: {self}"


def to_mono_float(samples: np.ndarray) -> np.ndarray:
    """int16 (any shape, interleaved channels last) -> float64 mono in [-1, 1]."""
    data = np.asarray(samples)
    scaled = data.astype(np.float64) / 32768.0 if data.dtype.kind == "i" else data.astype(np.float64)
    return scaled.mean(axis=1) if scaled.ndim == 2 else scaled


def read_wav(path: "str | Path") -> "tuple[np.ndarray, int]":
    """Mono float samples and the sample rate of a 16-bit PCM WAV file."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        channels = wav.getnchannels()
        width = wav.getsampwidth()
        raw = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError(f"{path}: {width * 8}-bit samples, expected 16-bit PCM")
    data = np.frombuffer(raw, dtype="<i2")
    if channels > 1:
        data = data.reshape(-1, channels)
    return to_mono_float(data), rate


def write_tone_wav(path: "str | Path", frequency: float, seconds: float, rate: int = 8000,
                   amplitude: float = 0.3) -> None:
    """A mono 16-bit sine, for peers that play audio from a file."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * frequency * t) * amplitude * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())


def analyse_tone(samples: np.ndarray, rate: int, expected_hz: float, *,
                 frame_ms: float = 10.0, silence_dbfs: float = -50.0,
                 skip_seconds: float = 0.0) -> ToneReport:
    """Measure the tone in `samples` (mono; int16 or float).

    Leading silence (call setup) and the first `skip_seconds` after it are not
    counted; gaps are frames of `frame_ms` quieter than `silence_dbfs` after
    the first voiced frame and before the last one.
    """
    x = to_mono_float(samples)
    frame = max(1, int(rate * frame_ms / 1000))
    count = len(x) // frame
    if count == 0:
        return ToneReport(0.0, float("-inf"), 0.0, 0.0, 0.0)
    frames = x[: count * frame].reshape(count, frame)
    level = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-20)
    voiced = np.nonzero(level > silence_dbfs)[0]
    if len(voiced) == 0:
        return ToneReport(0.0, float("-inf"), 0.0, 0.0, 0.0)
    first = voiced[0] + int(skip_seconds * 1000 / frame_ms)
    last = voiced[-1]
    if first > last:
        return ToneReport(0.0, float("-inf"), 0.0, 0.0, 0.0)
    span = frames[first: last + 1]
    silent = int(np.sum(level[first: last + 1] <= silence_dbfs))
    seconds = len(span) * frame / rate
    gap_ms = silent * frame_ms * (10.0 / seconds) if seconds > 0 else 0.0

    # Welch-style: average the spectra of 500 ms blocks that hold no silent
    # frame, so the edges of a gap do not smear power over the whole band.
    block_frames = max(1, int(500 / frame_ms))
    quiet = level[first: last + 1] <= silence_dbfs
    blocks = [span[i: i + block_frames].reshape(-1)
              for i in range(0, len(span) - block_frames + 1, block_frames)
              if not quiet[i: i + block_frames].any()]
    if not blocks:
        blocks = [span.reshape(-1)]
    size = len(blocks[0])
    window = np.hanning(size)
    spectrum = sum(np.abs(np.fft.rfft(b[:size] * window)) ** 2 for b in blocks)
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    audible = freqs >= 50.0  # ignore DC and hum
    peak = int(np.argmax(np.where(audible, spectrum, 0.0)))
    # Parabolic interpolation around the peak bin for sub-bin frequency accuracy.
    if 0 < peak < len(spectrum) - 1:
        a, b, c = np.log(spectrum[peak - 1: peak + 2] + 1e-30)
        offset = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    else:
        offset = 0.0
    frequency = float((peak + offset) * rate / size)
    band = np.abs(freqs - expected_hz) <= max(expected_hz * 0.02, 3 * rate / size)
    tone_power = float(np.sum(spectrum[band & audible]))
    rest_power = float(np.sum(spectrum[~band & audible]))
    snr = 10 * np.log10(tone_power / rest_power) if rest_power > 0 else float("inf")
    signal = span.reshape(-1)
    rms = float(np.sqrt(np.mean(signal ** 2)))
    return ToneReport(frequency, snr, gap_ms, seconds, rms)
