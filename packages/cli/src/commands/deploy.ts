import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { modelsProjection, resolveModelReference } from '@dotscience/sdk';
import { nonNegativeInteger } from '../command-arguments.js';
import { printText } from '../output/json-output.js';
import { currentState } from '../projections/current-state.js';
import { scopedProject } from '../runs/run-selection.js';
import { dockerfileText, imageTag, kubernetesManifests, manifestStream, type DeployedModel } from '../serving/deployment-files.js';
import { materializeModelVersion, modelTargetIn } from '../serving/model-materialization.js';
import { ModelNotServableError, servableFrameworks } from '../serving/model-loading.js';
import { SERVING_MANIFEST } from '../serving/served-model-directory.js';
import { withStoreForWriting } from '../store-access.js';
import { UsageError } from '../usage-error.js';

/** `ds deploy <name>@<alias> --out <dir>`: a Dockerfile and Kubernetes manifests serving one model version, pinned to its digest. */
export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('write a Dockerfile and Kubernetes Deployment, Service and ServiceMonitor that serve a model version, pinned to its digest')
    .argument('<model>', 'name (latest), name@version or name@alias')
    .option('--out <dir>', 'a new or empty directory for the files (required)')
    .option('--image <name>', 'the image to build, without a tag', 'registry.local/dotscience/models')
    .option('--base-image <image>', 'the image holding ds that the Dockerfile starts from', 'dotscience/ds:latest')
    .option('--replicas <n>', 'replicas of the Deployment', nonNegativeInteger, 2)
    .option('--port <n>', 'the port the container serves on', nonNegativeInteger, 8080)
    .action(async (reference: string, options: { out?: string; image: string; baseImage: string; replicas: number; port: number }, command: Command) => {
      if (options.out === undefined)
        throw new UsageError(`ds deploy needs --out <dir>: a new or empty directory for the Dockerfile, kubernetes.yaml and model/`);
      const out = resolve(options.out);
      if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`${out} is not empty: give ds deploy --out a new or empty directory`);
      const deployed = await withStoreForWriting(command, async (ds) => {
        const { model, version } = resolveModelReference(await currentState(ds, modelsProjection), reference, scopedProject(ds));
        const framework = version.framework ?? '';
        if (!(servableFrameworks as readonly string[]).includes(framework)) {
          throw new ModelNotServableError(
            `${model.name}@${version.version} is a ${framework || 'model of no declared framework'}; ds deploy serves ${servableFrameworks.join(', ')}`,
          );
        }
        if (version.ref.kind !== 'file' || version.ref.digest === undefined)
          throw new ModelNotServableError(`${model.name}@${version.version} is not a single file with a digest; ds deploy serves model files`);
        const file = modelTargetIn(join(out, 'model'), model.name, version);
        await materializeModelVersion(ds, model.name, version, file);
        return {
          name: model.name,
          version: version.version,
          digest: version.ref.digest,
          framework,
          file: file.slice(join(out, 'model').length + 1),
        } satisfies DeployedModel;
      });
      await mkdir(out, { recursive: true });
      await writeFile(join(out, 'model', SERVING_MANIFEST), `${JSON.stringify(deployed, null, 2)}\n`);
      await writeFile(join(out, 'Dockerfile'), dockerfileText(deployed, options));
      await writeFile(join(out, 'kubernetes.yaml'), manifestStream(kubernetesManifests(deployed, options)));
      printText(
        `${deployed.name}@${deployed.version} (${deployed.digest}) → ${out}: Dockerfile, kubernetes.yaml, model/\n` +
          `  docker build -t ${options.image}:${imageTag(deployed)} ${out} && docker push ${options.image}:${imageTag(deployed)} && kubectl apply -f ${join(out, 'kubernetes.yaml')}`,
      );
    });
}
