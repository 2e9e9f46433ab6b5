#!/usr/bin/python3
"""scikit-learn peers of tml's K-means anomaly detector, on the features bench_anomaly writes.

Each label in turn is the anomaly: the other labels' training windows (split 'train') fit a
StandardScaler, then KMeans(k) (score: distance to the nearest centre) and IsolationForest (score:
-score_samples); the test windows are scored, ROC AUC of the held-out label against the normal labels.
Prints one line per held-out label and the mean, with training times. Needs Debian's python3-sklearn.
"""
import argparse
import csv
import sys
import time

try:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler
except ImportError as e:  # the bench reports that the peer did not run
    print(f"scikit-learn peer unavailable: {e}", file=sys.stderr)
    sys.exit(3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--features", required=True)
    ap.add_argument("--clusters", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    split, label, x = [], [], []
    with open(a.features) as f:
        for row in csv.reader(f):
            split.append(row[0])
            label.append(row[1])
            x.append([float(v) for v in row[2:]])
    split, label, x = np.array(split), np.array(label), np.array(x, dtype=np.float64)
    labels = sorted(set(label))
    print(f"scikit-learn {__import__('sklearn').__version__} peers, the same features and splits:")
    print(f"{'held out':8} {'KMeans AUC':>10} {'train s':>8} {'IForest AUC':>11} {'train s':>8}")
    means = [0.0, 0.0]
    for held in labels:
        normal_train = (split == "train") & (label != held)
        test = split == "test"
        scaler = StandardScaler().fit(x[normal_train])
        xt = scaler.transform(x[normal_train])
        xs = scaler.transform(x[test])
        truth = (label[test] == held).astype(int)
        t0 = time.perf_counter()
        km = KMeans(n_clusters=a.clusters, n_init=3, random_state=a.seed).fit(xt)
        t_km = time.perf_counter() - t0
        auc_km = roc_auc_score(truth, km.transform(xs).min(axis=1))
        t0 = time.perf_counter()
        forest = IsolationForest(random_state=a.seed).fit(xt)
        t_if = time.perf_counter() - t0
        auc_if = roc_auc_score(truth, -forest.score_samples(xs))
        means[0] += auc_km / len(labels)
        means[1] += auc_if / len(labels)
        print(f"{held:8} {auc_km:10.3f} {t_km:8.3f} {auc_if:11.3f} {t_if:8.3f}")
    print(f"{'mean':8} {means[0]:10.3f} {'':8} {means[1]:11.3f}")


if __name__ == "__main__":
    main()
