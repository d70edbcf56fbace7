import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  composeBinary,
  COMPOSE_VERSION,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_VERSION,
} from '../../stack/go-tools';

/**
 * docker-compose.yml as Docker Compose itself reads it: Compose v2 built from the Go module proxy
 * (no Docker engine needed for `config`), the same parser `docker compose up` uses.
 */

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
let compose: string;

beforeAll(async () => {
  compose = await composeBinary();
}, 900_000);

/** `config` with only PATH and HOME: no COMPOSE_* or Temporal variables of the caller leak in. */
function config(file: string, ...args: string[]) {
  return run(compose, ['-f', file, 'config', ...args], {
    cwd: path.dirname(file),
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir() },
    maxBuffer: 16 * 1024 * 1024,
  });
}

interface ComposeService {
  image?: string;
  depends_on?: Record<string, { condition: string }>;
  configs?: { source: string; target: string }[];
  entrypoint?: string[];
  command?: string[];
}

describe('docker-compose.yml', () => {
  it('is the Compose version this file pins', async () => {
    const { stdout } = await run(compose, ['version']);
    expect(stdout).toContain(`v${COMPOSE_VERSION}`);
  });

  it('when Compose parses it, then it is valid (config -q exits 0)', async () => {
    await expect(config(path.join(REPO, 'docker-compose.yml'), '-q')).resolves.toBeDefined();
  });

  it('when Compose resolves it, then Temporal, its admin tools and its UI are the versions the tests build and run', async () => {
    const { stdout } = await config(path.join(REPO, 'docker-compose.yml'), '--format', 'json');
    const { services, configs } = JSON.parse(stdout) as {
      services: Record<string, ComposeService>;
      configs: Record<string, { file?: string; content?: string }>;
    };
    expect(services.temporal?.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-schema']?.image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-setup']?.image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    // Nothing else may name a Temporal image (a forgotten second pin drifts).
    const temporalImages = Object.values(services)
      .map((s) => s.image ?? '')
      .filter((image) => image.startsWith('temporalio/'));
    expect(temporalImages).toHaveLength(4);

    // The setup scripts it mounts are this repository's, which test/deploy/temporal-scripts.test.ts runs.
    expect(configs['temporal-setup-schema']?.file).toBe(
      path.join(REPO, 'deploy', 'temporal', 'setup-schema.sh'),
    );
    expect(configs['temporal-setup-namespace']?.file).toBe(
      path.join(REPO, 'deploy', 'temporal', 'setup-namespace.sh'),
    );
    for (const { file } of Object.values(configs)) if (file) expect(fs.existsSync(file)).toBe(true);

    // Order: schema before server, namespace and attributes before the app, migrations before the app.
    expect(services.temporal?.depends_on?.['temporal-schema']?.condition).toBe(
      'service_completed_successfully',
    );
    for (const app of ['worker', 'api']) {
      expect(services[app]?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(services[app]?.depends_on?.['temporal-setup']?.condition).toBe('service_completed_successfully');
    }
    expect(services.worker?.command).toEqual(['node', 'dist/worker/main.js']);
    expect(services.api?.command).toEqual(['node', 'dist/api/server.js']);
    expect(services.migrate?.command).toEqual(['node', 'dist/scripts/migrate.js']);
  });

  it('when a service depends on one that does not exist, then the same parser rejects the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-compose-'));
    try {
      const broken = fs
        .readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8')
        .replace(
          '      temporal-schema:\n        condition: service_completed_successfully',
          '      temporal-schemas:\n        condition: service_completed_successfully',
        );
      expect(broken).toContain('temporal-schemas:');
      fs.writeFileSync(path.join(dir, 'docker-compose.yml'), broken);
      fs.cpSync(path.join(REPO, 'deploy'), path.join(dir, 'deploy'), { recursive: true });
      await expect(config(path.join(dir, 'docker-compose.yml'), '-q')).rejects.toMatchObject({
        stderr: expect.stringMatching(/temporal-schemas/),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
