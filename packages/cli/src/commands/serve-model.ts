import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveModelReference } from '@dotscience/sdk';
import { nonNegativeInteger } from '../command-arguments.js';
import { printText } from '../output/json-output.js';
import { modelsFor } from '../projections/provenance-read-model.js';
import { scopedProject } from '../runs/run-selection.js';
import { materializeModelVersion, modelTargetIn } from '../serving/model-materialization.js';
import { loadPredictor } from '../serving/model-loading.js';
import { PredictionServer, type ServedModel } from '../serving/prediction-server.js';
import { servedModelDirectory } from '../serving/served-model-directory.js';
import { withStoreForWriting } from '../store-access.js';
import { UsageError } from '../usage-error.js';

/** The model version from the store, materialized (digest verified) under `scratch`. */
async function fromStore(command: Command, reference: string, scratch: string): Promise<{ model: ServedModel; file: string }> {
  return withStoreForWriting(command, async (ds) => {
    const { model, version } = resolveModelReference(await modelsFor(ds, reference, scopedProject(ds)), reference, scopedProject(ds));
    const file = modelTargetIn(join(scratch, 'model'), model.name, version);
    await materializeModelVersion(ds, model.name, version, file);
    return { model: { name: model.name, version: version.version, digest: version.ref.digest ?? null, framework: version.framework ?? '' }, file };
  });
}

/** `ds serve-model <name>@<alias>`: an HTTP prediction endpoint for one model version, until SIGINT/SIGTERM. */
export function registerServeModelCommand(program: Command): void {
  program
    .command('serve-model')
    .description('serve a model version over HTTP: POST /predict, GET /health, GET /metrics (Prometheus); ml-cart trees and scikit-learn pickles')
    .argument('[model]', 'name (latest), name@version or name@alias')
    .option('--model-dir <dir>', 'serve the model directory ds deploy wrote (its serving.json pins the digest), without a store')
    .option('--port <n>', 'port to listen on (0: any free port)', nonNegativeInteger, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (reference: string | undefined, options: { modelDir?: string; port: number; host: string }, command: Command) => {
      if ((reference === undefined) === (options.modelDir === undefined))
        throw new UsageError('name one model to serve: ds serve-model <name>@<alias>, or ds serve-model --model-dir <dir>');
      const scratch = await mkdtemp(join(tmpdir(), 'ds-serve-model-'));
      try {
        const served =
          reference !== undefined
            ? await fromStore(command, reference, scratch)
            : await servedModelDirectory(resolve(options.modelDir!)).then(({ manifest, file }) => ({ model: manifest as ServedModel, file }));
        const { model, file } = served;
        const predictor = await loadPredictor(`${model.name}@${model.version}`, model.framework, file);
        const server = new PredictionServer({ name: model.name, version: model.version, digest: model.digest, framework: model.framework }, predictor);
        const url = await server.listen(options.port, options.host);
        printText(
          `serving ${model.name}@${model.version} (${model.framework}, digest verified) at ${url}: POST ${url}/predict, GET ${url}/health, GET ${url}/metrics`,
        );
        await new Promise<void>((resolveStop) => {
          process.once('SIGINT', () => resolveStop());
          process.once('SIGTERM', () => resolveStop());
        });
        await server.close();
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });
}
