/**
 * Training: a CART decision tree (ml-cart) on the iris training split, with
 * k-fold cross-validation accuracy per fold as a metric series, the accuracy
 * on the test split, and the model saved as JSON.
 *
 *     ds run -- node examples/dist/train-tree.js [--depth 3] [--folds 5]
 *
 * Inputs: data/iris/train.csv, data/iris/test.csv. Model: models/iris-tree.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ds from '@dotscience/sdk';
import { DecisionTreeClassifier } from 'ml-cart';
import { FEATURE_NAMES, readIrisCsv, type IrisSample } from './iris-table.js';
import { accuracy, kFolds } from './k-fold.js';

const { values } = parseArgs({ options: { depth: { type: 'string', default: '3' }, folds: { type: 'string', default: '5' } } });

ds.script();
ds.start();
const depth = ds.parameter('depth', Number(values.depth));
const folds = ds.parameter('folds', Number(values.folds));
const train = readIrisCsv(ds.input('data/iris/train.csv'));
const test = readIrisCsv(ds.input('data/iris/test.csv'));

const classes = [...new Set(train.map((s) => s.species))].sort();
const features = (samples: readonly IrisSample[]) => samples.map((s) => [...s.features]);
const labels = (samples: readonly IrisSample[]) => samples.map((s) => classes.indexOf(s.species));
const fit = (samples: readonly IrisSample[]) => {
  const tree = new DecisionTreeClassifier({ maxDepth: depth });
  tree.train(features(samples), labels(samples));
  return tree;
};

let sum = 0;
for (const [fold, { train: trainIndex, test: testIndex }] of kFolds(train.length, folds).entries()) {
  const tree = fit(trainIndex.map((i) => train[i]!));
  const held = testIndex.map((i) => train[i]!);
  const foldAccuracy = accuracy(tree.predict(features(held)), labels(held));
  ds.metric('cv_accuracy', foldAccuracy, fold);
  sum += foldAccuracy;
  console.log(`fold ${fold + 1}/${folds}: accuracy ${foldAccuracy.toFixed(3)}`);
}
ds.summary('cv_accuracy_mean', sum / folds);

const tree = fit(train);
const testAccuracy = ds.metric('accuracy', accuracy(tree.predict(features(test)), labels(test)));
console.log(`depth ${depth}: test accuracy ${testAccuracy.toFixed(3)}`);

mkdirSync('models', { recursive: true });
writeFileSync('models/iris-tree.json', `${JSON.stringify({ classes, features: FEATURE_NAMES, tree: tree.toJSON() })}\n`);
ds.model('iris-tree', 'models/iris-tree.json', { framework: 'ml-cart' });
await ds.publish(`CART decision tree, depth ${depth}`);
