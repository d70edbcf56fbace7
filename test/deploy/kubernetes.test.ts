import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEMPORAL_SERVER_VERSION } from '../../stack/go-tools';
import { findKubernetesValidate } from '../../stack/temporal-binaries';

/**
 * deploy/kubernetes/ checked offline: every resource against the Kubernetes OpenAPI schemas
 * (PyPI kubernetes-validate, strict: unknown fields fail), and what a production rollout needs
 * (probes, resources, a PodDisruptionBudget per Deployment, the two jobs) read from the same YAML.
 */

const run = promisify(execFile);
const DIR = path.resolve(__dirname, '..', '..', 'deploy', 'kubernetes');
const RESOURCE_FILES = [
  'config.yaml',
  'temporal-setup-job.yaml',
  'migrate-job.yaml',
  'worker.yaml',
  'api.yaml',
];
let validator: { script: string; pythonPath: string };

beforeAll(async () => {
  validator = await findKubernetesValidate();
}, 300_000);

function validate(files: string[]) {
  return run('python3', [validator.script, '--strict', ...files], {
    cwd: DIR,
    env: { ...process.env, PYTHONPATH: validator.pythonPath },
  });
}

/** Every document of a file, parsed by the validator's own YAML library (PyYAML). */
async function load(file: string): Promise<any[]> {
  const { stdout } = await run(
    'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))', file],
    { cwd: DIR, env: { ...process.env, PYTHONPATH: validator.pythonPath } },
  );
  return (JSON.parse(stdout) as any[]).filter(Boolean);
}

async function loadAll(): Promise<any[]> {
  return (await Promise.all(RESOURCE_FILES.map(load))).flat();
}

describe('deploy/kubernetes', () => {
  it('lists every manifest in its kustomization', async () => {
    const [kustomization] = await load('kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual([...RESOURCE_FILES].sort());
    const yamlFiles = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect(yamlFiles.sort()).toEqual([...RESOURCE_FILES].sort());
  });

  it('when validated strictly against the Kubernetes schemas, then every resource passes', async () => {
    const { stdout, stderr } = await validate(RESOURCE_FILES);
    const passed = stdout.split('\n').filter((line) => line.includes(' passed for resource '));
    expect(passed).toHaveLength((await loadAll()).length);
    expect(stderr).not.toMatch(/fail|error/i);
  });

  it('when a manifest has a misspelt field, then the validator rejects it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-k8s-'));
    try {
      const broken = fs
        .readFileSync(path.join(DIR, 'api.yaml'), 'utf8')
        .replace('readinessProbe:', 'readynessProbe:');
      const file = path.join(dir, 'api.yaml');
      fs.writeFileSync(file, broken);
      await expect(validate([file])).rejects.toMatchObject({
        stdout: expect.stringMatching(/readynessProbe/),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives every Deployment probes, resource requests, a memory limit and a PodDisruptionBudget', async () => {
    const docs = await loadAll();
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['pulse-api', 'pulse-worker']);
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      expect([name, deployment.spec.replicas >= 2]).toEqual([name, true]);
      for (const container of deployment.spec.template.spec.containers) {
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'])
          expect([name, probe, Boolean(container[probe])]).toEqual([name, probe, true]);
        expect(container.resources.requests).toEqual(
          expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
        );
        expect(container.resources.limits.memory).toEqual(expect.any(String));
        // Probes name ports the container declares.
        const ports = new Set((container.ports ?? []).map((p: { name: string }) => p.name));
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'])
          expect(ports.has(container[probe].httpGet.port)).toBe(true);
      }
      const labels = deployment.spec.template.metadata.labels;
      const budgets = docs.filter(
        (d) =>
          d.kind === 'PodDisruptionBudget' &&
          Object.entries(d.spec.selector.matchLabels).every(([k, v]) => labels[k] === v),
      );
      expect([name, budgets.length]).toEqual([name, 1]);
      expect(budgets[0].spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    }
    const api = deployments.find((d) => d.metadata.name === 'pulse-api').spec.template.spec.containers[0];
    expect(api.readinessProbe.httpGet.path).toBe('/readyz');
    expect(api.livenessProbe.httpGet.path).toBe('/healthz');
  });

  it('has the migration and setup jobs, the setup job at the Temporal version the tests run and with the shared setup script', async () => {
    const docs = await loadAll();
    const jobs = new Map(
      docs.filter((d) => d.kind === 'Job').map((d) => [d.metadata.name, d.spec.template.spec]),
    );
    expect([...jobs.keys()].sort()).toEqual(['pulse-migrate', 'pulse-temporal-setup']);
    expect(jobs.get('pulse-migrate').containers[0].command).toEqual(['node', 'dist/scripts/migrate.js']);
    const setup = jobs.get('pulse-temporal-setup').containers[0];
    expect(setup.image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    const script = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'pulse-temporal-setup');
    expect(script.data['setup-namespace.sh']).toBe(
      fs.readFileSync(path.resolve(DIR, '..', 'temporal', 'setup-namespace.sh'), 'utf8'),
    );
    // The app's commands are the image's (Dockerfile) entry points.
    const commands = docs
      .filter((d) => d.kind === 'Deployment')
      .map((d) => d.spec.template.spec.containers[0].command);
    expect(commands).toEqual(
      expect.arrayContaining([
        ['node', 'dist/worker/main.js'],
        ['node', 'dist/api/server.js'],
      ]),
    );
  });
});
