"""A scikit-learn decision tree on the iris split, recorded through the Dotscience stdout protocol.

Run it from the project directory after the preparation step, with a python3 that has scikit-learn:

    ds run -- python3 train_sklearn.py

It reads data/iris/train.csv and data/iris/test.csv, pickles the fitted model to
models/iris-sklearn.pkl and declares it as model "iris-sklearn" (framework sklearn),
which `ds serve-model iris-sklearn` serves through a python3 worker.
"""

import csv
import os
import pickle

import sklearn
from sklearn.tree import DecisionTreeClassifier

import dotscience_protocol as ds

ds.script()
ds.start()

TRAIN = ds.input("data/iris/train.csv")
TEST = ds.input("data/iris/test.csv")
depth = ds.parameter("max_depth", 3)


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    names = [name for name in rows[0] if name != "species"]
    return [[float(row[n]) for n in names] for row in rows], [row["species"] for row in rows]


features, labels = read(TRAIN)
test_features, test_labels = read(TEST)
model = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(features, labels)
ds.summary("accuracy", model.score(test_features, test_labels))

os.makedirs("models", exist_ok=True)
with open("models/iris-sklearn.pkl", "wb") as f:
    pickle.dump(model, f)
ds.model(sklearn, "iris-sklearn", "models/iris-sklearn.pkl")
ds.publish("scikit-learn decision tree, depth %d" % depth)
