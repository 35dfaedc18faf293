import type { JsonValue } from '@dotscience/sdk';

/** What a deployment serves: one model version, pinned by its digest, and the file of it in `model/`. */
export interface DeployedModel {
  name: string;
  version: number;
  digest: string;
  framework: string;
  /** The model file's name inside `model/`. */
  file: string;
}

export interface DeploymentOptions {
  /** The image the Dockerfile builds, without a tag (the tag names the model version and digest). */
  image: string;
  /** The Node image (20, Debian) the Dockerfile starts FROM and installs ds into. */
  baseImage: string;
  replicas: number;
  port: number;
}

/** Where ds deploy puts ds's release tarball in the build context, and the file in it. */
export interface PackagedDs {
  /** Relative to the deploy directory: `ds/dotscience-cli-<version>.tgz`. */
  tarball: string;
  version: string;
}

/** The directory of the build context that holds ds's release tarball. */
export const DS_PACKAGE_DIR = 'ds';

/** A Kubernetes name: lowercase letters, digits and '-', at most 63, starting and ending alphanumeric. */
export function kubernetesName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return name === '' ? 'model' : name;
}

/** The image tag: the model version and the first 12 hex digits of its digest, so a tag names exactly one content. */
export function imageTag(model: DeployedModel): string {
  return `${kubernetesName(model.name)}-v${model.version}-${model.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
}

const pythonFrameworks = new Set(['sklearn', 'scikit-learn']);

/**
 * The Dockerfile: a Node 20 image; Python with scikit-learn for a pickle (the serving worker is /usr/bin/python3);
 * ds installed from its release tarball in the build context (D127: no registry, no repository); the model files;
 * and ds serve-model on them (verifying the digest at start). Every COPY source is in the directory ds deploy wrote.
 */
export function dockerfileText(model: DeployedModel, options: DeploymentOptions, ds: PackagedDs): string {
  const python = pythonFrameworks.has(model.framework)
    ? `RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-sklearn && rm -rf /var/lib/apt/lists/*\n`
    : '';
  return `# Serves ${model.name}@${model.version} (${model.framework}), content ${model.digest}, with ds ${ds.version}.
# Build: docker build -t ${options.image}:${imageTag(model)} .
ARG NODE_IMAGE=${options.baseImage}
FROM \${NODE_IMAGE}
LABEL org.dotscience.model.name="${model.name}" org.dotscience.model.version="${model.version}" org.dotscience.model.digest="${model.digest}"
${python}COPY ${ds.tarball} /tmp/${ds.tarball}
RUN npm install -g --offline --no-audit --no-fund /tmp/${ds.tarball} && rm -rf /tmp/${DS_PACKAGE_DIR} && ds --version
WORKDIR /srv
COPY model/ /srv/model/
USER 1000:1000
EXPOSE ${options.port}
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:${options.port}/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["ds", "serve-model", "--model-dir", "/srv/model", "--host", "0.0.0.0", "--port", "${options.port}"]
`;
}

/** Deployment, Service and ServiceMonitor (Prometheus operator) for the image, labelled and annotated with the model's digest. */
export function kubernetesManifests(model: DeployedModel, options: DeploymentOptions): Array<Record<string, JsonValue>> {
  const name = kubernetesName(`${model.name}-v${model.version}`);
  const labels = { 'app.kubernetes.io/name': kubernetesName(model.name), 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'dotscience' };
  const annotations = {
    'dotscience.io/model': `${model.name}@${model.version}`,
    'dotscience.io/model-digest': model.digest,
    'dotscience.io/framework': model.framework,
  };
  const probe = (path: string, period: number) => ({ httpGet: { path, port: 'http' }, periodSeconds: period, timeoutSeconds: 3 });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels, annotations },
      spec: {
        replicas: options.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 1000 },
            containers: [
              {
                name: 'model',
                image: `${options.image}:${imageTag(model)}`,
                ports: [{ name: 'http', containerPort: options.port }],
                readinessProbe: probe('/health', 5),
                livenessProbe: probe('/health', 15),
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels, annotations },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name, labels },
      spec: { selector: { matchLabels: labels }, endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] },
    },
  ];
}

/** Manifests as one YAML stream: each document is JSON (JSON is YAML), separated by `---`. */
export function manifestStream(manifests: ReadonlyArray<Record<string, JsonValue>>): string {
  return `${manifests.map((m) => JSON.stringify(m, null, 2)).join('\n---\n')}\n`;
}
