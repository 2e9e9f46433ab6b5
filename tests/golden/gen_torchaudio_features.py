#!/usr/bin/env python3
"""Reference features of a few clips of datasets/kws-mini computed by torchaudio, for
tests/trainer/test_audio_features.cc (which compares the firmware's audio front end with them).

The features are those of the keyword-spotting peer (../shared/bench/peer_kws.py): clips as int16 / 32768,
zero-padded or cut to 16000 samples, torchaudio.transforms.MFCC(sample_rate=16000, n_mfcc=10,
log_mels=True, melkwargs={n_fft 512, win_length 480, hop_length 320, n_mels 40, center False}) -> [49][10];
and the log mel energies it takes the DCT of, log(MelSpectrogram(...) + 1e-6) -> [49][40].

Needs Debian's python3-torchaudio (scripts/install-deps.sh --bench); the test suite only reads the output.
Run from the repository root:  /usr/bin/python3 tests/golden/gen_torchaudio_features.py > tests/golden/torchaudio_kws_mini.txt
"""
import os, sys, wave

import numpy as np
import torch
import torchaudio

CLIPS = ["yes/439c84f4_nohash_1.wav", "no/6a27a9bf_nohash_0.wav", "no/37e8db82_nohash_1.wav",
         "marvin/bf8d5617_nohash_0.wav"]  # the last two are shorter than a second (zero-padded)
LOGMEL_CLIPS = CLIPS[:1]


def load(path):
    with wave.open(path) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    return np.pad(x, (0, max(0, 16000 - len(x))))[:16000]


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "datasets", "kws-mini")
    melkwargs = {"n_fft": 512, "win_length": 480, "hop_length": 320, "n_mels": 40, "center": False}
    mfcc = torchaudio.transforms.MFCC(sample_rate=16000, n_mfcc=10, log_mels=True, melkwargs=melkwargs)
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000, **melkwargs)
    out = sys.stdout
    out.write("# torchaudio reference features of datasets/kws-mini clips: tests/golden/gen_torchaudio_features.py\n")
    out.write("# torch %s, torchaudio %s, numpy %s\n" % (torch.__version__, torchaudio.__version__, np.__version__))
    out.write("# clip <path> <kind> <frames> <channels>, then one line per frame\n")
    with torch.no_grad():
        for clip in CLIPS:
            x = torch.from_numpy(load(os.path.join(root, clip)))
            kinds = [("mfcc", mfcc(x).numpy().T)]
            if clip in LOGMEL_CLIPS:
                kinds.append(("logmel", torch.log(mel(x) + 1e-6).numpy().T))
            for kind, y in kinds:
                out.write("clip %s %s %d %d\n" % (clip, kind, y.shape[0], y.shape[1]))
                for row in y:
                    out.write(" ".join("%.9g" % v for v in row) + "\n")


if __name__ == "__main__":
    main()
