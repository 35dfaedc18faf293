"""Per-class feature statistics of the iris training split, recorded through the Dotscience stdout protocol.

Run it from the project directory after the preparation step:

    ds run -- python3 feature_statistics.py

It reads data/iris/train.csv, writes reports/feature-stats.json and prints one
Dotscience run block, which `ds run` records as a run (script mode).
"""

import csv
import json
import os
import statistics

import dotscience_protocol as ds

ds.script()
ds.start()

TRAIN = ds.input("data/iris/train.csv")
REPORT = ds.output("reports/feature-stats.json")
precision = ds.parameter("precision", 3)

with open(TRAIN, newline="") as f:
    rows = list(csv.DictReader(f))
features = [name for name in rows[0] if name != "species"]
by_class = {}
for row in rows:
    by_class.setdefault(row["species"], []).append(row)

stats = {}
for species, members in sorted(by_class.items()):
    stats[species] = {
        name: {
            "mean": round(statistics.mean(float(r[name]) for r in members), precision),
            "stdev": round(statistics.stdev(float(r[name]) for r in members), precision),
        }
        for name in features
    }
    print("%-16s %3d rows  mean petal length %.2f" % (species, len(members), stats[species]["petal_length"]["mean"]))

os.makedirs(os.path.dirname(REPORT), exist_ok=True)
with open(REPORT, "w") as f:
    json.dump(stats, f, indent=2, sort_keys=True)

ds.summary("rows", len(rows))
ds.summary("classes", len(by_class))
ds.label("language", "python")
ds.publish("per-class feature statistics of the training split")
