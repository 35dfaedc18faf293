import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { DockerfileParser } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds } from './fixtures/cli-process.js';
import { startModelServer, type ModelServerProcess } from './fixtures/model-server-process.js';
import { dockerfileText } from '../src/serving/deployment-files.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** ml-cart, as the training example has it: the in-process predictions the server must match. */
const { DecisionTreeClassifier } = createRequire(join(EXAMPLES, 'package.json'))('ml-cart') as {
  DecisionTreeClassifier: { load(model: object): { predict(rows: number[][]): number[] } };
};

describe('ds serve-model on the iris tree the example trains', () => {
  let project: string;
  let server: ModelServerProcess;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'ds-serve-model-'));
    for (const args of [
      ['init'],
      ['run', '--', 'node', join(EXAMPLES, 'dist/prepare-iris.js')],
      ['run', '--', 'node', join(EXAMPLES, 'dist/train-tree.js'), '--depth', '3'],
      ['models', 'alias', 'iris-tree', 'champion', '1'],
    ]) {
      const result = ds(args, { cwd: project });
      if (result.code !== 0) throw new Error(`ds ${args.join(' ')} failed: ${result.stderr}`);
    }
    server = await startModelServer('iris-tree@champion', project);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers the same class as the model gives in process for the 30 held-back rows', async () => {
    const [header, ...lines] = readFileSync(join(project, 'data/iris/test.csv'), 'utf8').trimEnd().split('\n');
    const names = header!.split(',').slice(0, 4);
    const rows = lines.map((l) => l.split(',').slice(0, 4).map(Number));
    expect(rows).toHaveLength(30);
    const saved = JSON.parse(readFileSync(join(project, 'models/iris-tree.json'), 'utf8')) as { classes: string[]; tree: object };
    const expected = DecisionTreeClassifier.load(saved.tree)
      .predict(rows)
      .map((i) => saved.classes[i]);

    const byArray = await post({ instances: rows });
    expect(byArray.status).toBe(200);
    expect(await byArray.json()).toEqual({ predictions: expected, model: 'iris-tree', version: 1 });
    const byName = await post({ instances: rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))) });
    expect(((await byName.json()) as { predictions: string[] }).predictions).toEqual(expected);
  });

  it('refuses a malformed request with a 400 naming the field', async () => {
    const missing = await post({ instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4 }] });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^instances\.0\.petal_width: missing/);
    const wrongType = await post({ instances: [[5.1, 'x', 1.4, 0.2]] });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: string }).error).toMatch(/^instances\.0/);
    const noRows = await post({ rows: [] });
    expect(((await noRows.json()) as { error: string }).error).toMatch(/^instances: /);
    expect((await post({ instances: [[1, 2, 3]] })).status).toBe(400);
    const notJson = await fetch(`${server.url}/predict`, { method: 'POST', body: '{"instances": [' });
    expect([notJson.status, ((await notJson.json()) as { error: string }).error]).toEqual([400, 'body: is not JSON']);
    const tooLarge = await fetch(`${server.url}/predict`, { method: 'POST', body: `{"instances": [${'[1,2,3,4],'.repeat(1_000_000)}[1,2,3,4]]}` });
    expect([tooLarge.status, ((await tooLarge.json()) as { error: string }).error]).toEqual([400, 'body: larger than 8388608 bytes']);
  });

  it('reports health and Prometheus metrics', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      model: { name: 'iris-tree', version: 1, framework: 'ml-cart', digest: expect.stringMatching(/^sha256:/) },
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^ds_prediction_requests_total\{outcome="ok",model="iris-tree",version="1"\} [1-9]/m);
    expect(metrics).toMatch(/^ds_prediction_requests_total\{outcome="bad_request",model="iris-tree",version="1"\} [1-9]/m);
    expect(metrics).toContain('ds_prediction_duration_seconds_bucket');
  });

  it('ds deploy writes a Dockerfile and Kubernetes manifests, valid against their schemas and pinned to the digest, whose entrypoint serves the model', async () => {
    // ds's release tarball, as `pnpm pack:release` writes it (D89): the image installs ds from it, not from the repository.
    const release = join(project, 'release');
    const [cliTarball, sdkTarball] = execFileSync(process.execPath, [join(REPO, 'scripts/pack-release.mjs'), release], { encoding: 'utf8' })
      .trim()
      .split('\n') as [string, string];
    const out = join(project, 'deploy');
    expect(ds(['deploy', 'iris-tree@champion', '--out', out], { cwd: project })).toMatchObject({ code: 2, stderr: expect.stringMatching(/--ds-package/) });
    writeFileSync(join(project, 'not-a-package.tgz'), 'hello');
    expect(ds(['deploy', 'iris-tree@champion', '--out', out, '--ds-package', join(project, 'not-a-package.tgz')], { cwd: project })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/not an npm package tarball.*pnpm pack:release.*\[DS_PACKAGE_INVALID\]/),
    });
    expect(ds(['deploy', 'iris-tree@champion', '--out', out, '--ds-package', sdkTarball], { cwd: project })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/not ds's release package \(package\.json name/),
    });
    expect(existsSync(out)).toBe(false);
    const result = ds(['deploy', 'iris-tree@champion', '--out', out, '--image', 'registry.example/iris', '--ds-package', cliTarball], { cwd: project });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const digest = ((await (await fetch(`${server.url}/health`)).json()) as { model: { digest: string } }).model.digest;
    const tag = `iris-tree-v1-${digest.slice(7, 19)}`;

    const dockerfile = DockerfileParser.parse(readFileSync(join(out, 'Dockerfile'), 'utf8'));
    const instructions = dockerfile.getInstructions();
    expect(instructions.map((i) => i.getKeyword())).toEqual([
      'ARG',
      'FROM',
      'LABEL',
      'COPY',
      'RUN',
      'WORKDIR',
      'COPY',
      'USER',
      'EXPOSE',
      'HEALTHCHECK',
      'ENTRYPOINT',
    ]);
    // The build context is the deploy directory alone: every COPY source is in it (no repository, no registry image of ds).
    const copies = instructions.filter((i) => i.getKeyword() === 'COPY').map((i) => i.getArguments().map((a) => a.getValue()));
    for (const args of copies) {
      for (const source of args.slice(0, -1)) {
        expect(normalize(source).startsWith('..'), source).toBe(false);
        expect(existsSync(join(out, source)), `COPY ${source}`).toBe(true);
      }
    }
    expect(instructions.find((i) => i.getKeyword() === 'ARG')!.getRawArgumentsContent()).toBe('NODE_IMAGE=node:20-bookworm-slim');
    // The RUN installs the tarball the COPY put in the image, with npm, offline.
    const [tarballSource, tarballInImage] = copies[0]! as [string, string];
    expect(readFileSync(join(out, tarballSource))).toEqual(readFileSync(cliTarball));
    const install = instructions.find((i) => i.getKeyword() === 'RUN')!.getRawArgumentsContent()!;
    expect(install).toContain(`npm install -g --offline --no-audit --no-fund ${tarballInImage} `);
    // What that RUN does, done here from the deploy directory only: the installed ds starts.
    const prefix = join(project, 'image-prefix');
    const env = {
      ...process.env,
      PATH: [join(prefix, 'bin'), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
      npm_config_cache: join(project, 'npm-cache'),
    };
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(out, tarballSource)], {
      cwd: out,
      env,
      stdio: 'pipe',
    });
    expect(execFileSync(join(prefix, 'bin', 'ds'), ['--version'], { cwd: out, env, encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
    const entrypoint = instructions.find((i) => i.getKeyword() === 'ENTRYPOINT')!;
    const command = JSON.parse(entrypoint.getRawArgumentsContent()!) as string[];
    expect(command.slice(0, 4)).toEqual(['ds', 'serve-model', '--model-dir', '/srv/model']);
    expect(instructions.find((i) => i.getKeyword() === 'LABEL')!.getRawArgumentsContent()).toContain(digest);
    // A scikit-learn pickle's image also gets the Python worker's interpreter and scikit-learn.
    const sklearn = DockerfileParser.parse(
      dockerfileText(
        { name: 'm', version: 1, digest, framework: 'sklearn', file: 'm.pkl' },
        { image: 'i', baseImage: 'node:20-bookworm-slim', replicas: 1, port: 8080 },
        { tarball: 'ds/dotscience-cli-0.1.0.tgz', version: '0.1.0' },
      ),
    );
    expect(
      sklearn
        .getInstructions()
        .filter((i) => i.getKeyword() === 'RUN')[0]!
        .getRawArgumentsContent(),
    ).toMatch(/apt-get install .*python3-sklearn/);

    const documents = readFileSync(join(out, 'kubernetes.yaml'), 'utf8')
      .split('\n---\n')
      .map((d) => JSON.parse(d) as { kind: string });
    expect(documents.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'ServiceMonitor']);
    const deployment = new Deployment(documents[0] as never);
    deployment.validate();
    new Service(documents[1] as never).validate();
    new ServiceMonitor(documents[2] as never).validate();
    expect(deployment.spec!.template.spec!.containers[0]!.image).toBe(`registry.example/iris:${tag}`);
    expect(deployment.metadata!.annotations!['dotscience.io/model-digest']).toBe(digest);
    // The schemas do refuse a broken manifest (so the validations above can fail).
    expect(() => new Deployment({ ...(documents[0] as object), spec: { replicas: 'two' } } as never).validate()).toThrow();

    // What the image runs: ds serve-model --model-dir on the files ds deploy wrote.
    const deployed = await startModelServer('', project, ['--model-dir', join(out, 'model')]);
    try {
      const answer = await fetch(`${deployed.url}/predict`, { method: 'POST', body: JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }) });
      expect(await answer.json()).toEqual({ predictions: ['setosa'], model: 'iris-tree', version: 1 });
    } finally {
      await deployed.stop();
    }
    writeFileSync(join(out, 'model/iris-tree.json'), '{}');
    expect(ds(['serve-model', '--model-dir', join(out, 'model')], { cwd: project })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/MODEL_DIGEST_MISMATCH/),
    });
    expect(ds(['deploy', 'iris-tree', '--out', out, '--ds-package', cliTarball], { cwd: project })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not empty/),
    });
  }, 600_000);

  it('refuses an alias the model does not have, before listening', () => {
    const wrong = ds(['serve-model', 'iris-tree@nope'], { cwd: project });
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringMatching(/MODEL_ALIAS_UNKNOWN/) });
  });
});

describe('loading a model to serve', () => {
  it('refuses a framework it does not serve, naming the ones it does', async () => {
    const { loadPredictor, ModelNotServableError } = await import('../src/serving/model-loading.js');
    const error = await loadPredictor('net@1', 'pytorch', '/nowhere').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotServableError);
    expect((error as Error).message).toMatch(/net@1 is a pytorch; ds serve-model serves ml-cart, sklearn, scikit-learn/);
  });
});

const sklearnPython = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!sklearnPython)('ds serve-model on a scikit-learn model the Python example trains (python3-sklearn present)', () => {
  let project: string;
  let server: ModelServerProcess;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'ds-serve-sklearn-'));
    for (const file of ['dotscience_protocol.py', 'train_sklearn.py']) copyFileSync(join(EXAMPLES, 'python', file), join(project, file));
    for (const args of [['init'], ['run', '--', 'node', join(EXAMPLES, 'dist/prepare-iris.js')], ['run', '--', '/usr/bin/python3', 'train_sklearn.py']]) {
      const result = ds(args, { cwd: project });
      if (result.code !== 0) throw new Error(`ds ${args.join(' ')} failed: ${result.stderr}`);
    }
    server = await startModelServer('iris-sklearn', project);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  it('answers what the pickled model predicts in python for the 30 held-back rows, and a 400 for a malformed request', async () => {
    const rows = readFileSync(join(project, 'data/iris/test.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(0, 4).map(Number));
    const inPython = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import json,pickle,sys; m=pickle.load(open(sys.argv[1],"rb")); print(json.dumps(list(m.predict(json.loads(sys.argv[2])))))',
        join(project, 'models/iris-sklearn.pkl'),
        JSON.stringify(rows),
      ],
      { encoding: 'utf8' },
    );
    const answer = await fetch(`${server.url}/predict`, { method: 'POST', body: JSON.stringify({ instances: rows }) });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ predictions: JSON.parse(inPython), model: 'iris-sklearn', version: 1 });
    const bad = await fetch(`${server.url}/predict`, { method: 'POST', body: JSON.stringify({ instances: [{ sepal_length: 1 }] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^instances\.0: this model knows no feature names/);
  });
});
