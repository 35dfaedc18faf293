import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { modelsProjection, resolveModelReference } from '@dotscience/sdk';
import { nonNegativeInteger } from '../command-arguments.js';
import { printText } from '../output/json-output.js';
import { currentState } from '../projections/current-state.js';
import { materializeModelVersion, modelTargetIn } from '../serving/model-materialization.js';
import { loadPredictor } from '../serving/model-loading.js';
import { PredictionServer } from '../serving/prediction-server.js';
import { withStoreForWriting } from '../store-access.js';

/** `ds serve-model <name>@<alias>`: an HTTP prediction endpoint for one model version, until SIGINT/SIGTERM. */
export function registerServeModelCommand(program: Command): void {
  program
    .command('serve-model')
    .description('serve a model version over HTTP: POST /predict, GET /health, GET /metrics (Prometheus); ml-cart trees and scikit-learn pickles')
    .argument('<model>', 'name (latest), name@version or name@alias')
    .option('--port <n>', 'port to listen on (0: any free port)', nonNegativeInteger, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (reference: string, options: { port: number; host: string }, command: Command) => {
      const scratch = await mkdtemp(join(tmpdir(), 'ds-serve-model-'));
      try {
        const { model, version, file } = await withStoreForWriting(command, async (ds) => {
          const resolved = resolveModelReference(await currentState(ds, modelsProjection), reference);
          const target = modelTargetIn(join(scratch, 'model'), resolved.model.name, resolved.version);
          await materializeModelVersion(ds, resolved.model.name, resolved.version, target);
          return { ...resolved, file: target };
        });
        const predictor = await loadPredictor(`${model.name}@${version.version}`, version.framework, file);
        const server = new PredictionServer({ name: model.name, version: version.version, digest: version.ref.digest ?? null, framework: version.framework ?? '' }, predictor);
        const url = await server.listen(options.port, options.host);
        printText(`serving ${model.name}@${version.version} (${version.framework}, digest verified) at ${url}: POST ${url}/predict, GET ${url}/health, GET ${url}/metrics`);
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
