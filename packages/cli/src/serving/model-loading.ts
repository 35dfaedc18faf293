import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DotscienceError, parseInput } from '@dotscience/sdk';
import type { Predictor } from './prediction-server.js';
import { PythonWorkerPredictor } from './python-worker.js';
import { TreeModel, TreeModelFileSchema } from './tree-model.js';

/** The frameworks ds serve-model serves. */
export const servableFrameworks = ['ml-cart', 'sklearn', 'scikit-learn'] as const;

/** A model version ds serve-model cannot serve: another framework, or scikit-learn without python3. */
export class ModelNotServableError extends DotscienceError {
  readonly code = 'MODEL_NOT_SERVABLE';
}

const PYTHON = '/usr/bin/python3';

/** Load the model file at `file` for its framework: an ml-cart tree in process, a scikit-learn pickle in a python3 worker. */
export async function loadPredictor(model: string, framework: string | null, file: string): Promise<Predictor> {
  if (framework === 'ml-cart') {
    const tree = new TreeModel(parseInput(TreeModelFileSchema, JSON.parse(await readFile(file, 'utf8')), `ml-cart model ${model}`));
    return { features: tree.features, predict: (rows) => tree.predict(rows) };
  }
  if (framework === 'sklearn' || framework === 'scikit-learn') {
    if (!existsSync(PYTHON)) throw new ModelNotServableError(`${model} is a scikit-learn model, served through ${PYTHON}, which is not installed here`);
    return PythonWorkerPredictor.start(file, PYTHON);
  }
  throw new ModelNotServableError(
    `${model} is a ${framework ?? 'model of no declared framework'}; ds serve-model serves ${servableFrameworks.join(', ')} (declare it with ds.model(name, path, { framework }))`,
  );
}
