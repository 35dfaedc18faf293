import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveModelReference } from '@dotscience/sdk';
import { nonNegativeInteger } from '../command-arguments.js';
import { printText } from '../output/json-output.js';
import { modelsFor } from '../projections/provenance-read-model.js';
import { scopedProject } from '../runs/run-selection.js';
import { DS_PACKAGE_DIR, dockerfileText, imageTag, kubernetesManifests, manifestStream, type DeployedModel } from '../serving/deployment-files.js';
import { readDsReleasePackage } from '../serving/ds-release-package.js';
import { materializeModelVersion, modelTargetIn } from '../serving/model-materialization.js';
import { ModelNotServableError, servableFrameworks } from '../serving/model-loading.js';
import { SERVING_MANIFEST } from '../serving/served-model-directory.js';
import { withStoreForWriting } from '../store-access.js';
import { UsageError } from '../usage-error.js';

interface DeployOptions {
  out?: string;
  dsPackage?: string;
  image: string;
  baseImage: string;
  replicas: number;
  port: number;
}

/** `ds deploy <name>@<alias> --out <dir>`: a Dockerfile and Kubernetes manifests serving one model version, pinned to its digest. */
export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('write a Dockerfile and Kubernetes Deployment, Service and ServiceMonitor that serve a model version, pinned to its digest')
    .argument('<model>', 'name (latest), name@version or name@alias')
    .option('--out <dir>', 'a new or empty directory for the files (required)')
    .option('--image <name>', 'the image to build, without a tag', 'registry.local/dotscience/models')
    .option('--ds-package <tgz>', "ds's release tarball (dotscience-cli-<version>.tgz from `pnpm pack:release`) the image installs (required)")
    .option('--base-image <image>', 'the Node 20 (Debian) image the Dockerfile starts from and installs ds into', 'node:20-bookworm-slim')
    .option('--replicas <n>', 'replicas of the Deployment', nonNegativeInteger, 2)
    .option('--port <n>', 'the port the container serves on', nonNegativeInteger, 8080)
    .action(async (reference: string, options: DeployOptions, command: Command) => {
      if (options.out === undefined)
        throw new UsageError(`ds deploy needs --out <dir>: a new or empty directory for the Dockerfile, kubernetes.yaml and model/`);
      if (options.dsPackage === undefined)
        throw new UsageError(
          `ds deploy needs --ds-package <dotscience-cli-<version>.tgz>: the ds release the image installs (\`pnpm pack:release\` in the dotscience repository writes it to release/)`,
        );
      const release = await readDsReleasePackage(resolve(options.dsPackage));
      const out = resolve(options.out);
      if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`${out} is not empty: give ds deploy --out a new or empty directory`);
      const deployed = await withStoreForWriting(command, async (ds) => {
        const { model, version } = resolveModelReference(await modelsFor(ds, reference, scopedProject(ds)), reference, scopedProject(ds));
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
      const tarball = `${DS_PACKAGE_DIR}/${release.fileName}`;
      await mkdir(join(out, DS_PACKAGE_DIR));
      await writeFile(join(out, tarball), release.bytes);
      await writeFile(join(out, 'Dockerfile'), dockerfileText(deployed, options, { tarball, version: release.version }));
      await writeFile(join(out, 'kubernetes.yaml'), manifestStream(kubernetesManifests(deployed, options)));
      printText(
        `${deployed.name}@${deployed.version} (${deployed.digest}) → ${out}: Dockerfile, kubernetes.yaml, model/, ${tarball}\n` +
          `  docker build -t ${options.image}:${imageTag(deployed)} ${out} && docker push ${options.image}:${imageTag(deployed)} && kubectl apply -f ${join(out, 'kubernetes.yaml')}`,
      );
    });
}
