import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Builds the console (console/ → console/dist) with Vite, unless the last build was made from the
 * same sources: npm start, npm run build and the browser test all call it, and only the first
 * after a change pays the few seconds.
 */

const ROOT = path.resolve(__dirname, '..');
const CONSOLE = path.join(ROOT, 'console');
const DIST = path.join(CONSOLE, 'dist');
const STAMP = path.join(DIST, '.sources-hash');
/** What the bundle is made of: the app, and the domain schemas it imports. */
const SOURCES = [
  path.join(CONSOLE, 'src'),
  path.join(CONSOLE, 'index.html'),
  path.join(CONSOLE, 'vite.config.ts'),
  path.join(ROOT, 'domain'),
  path.join(ROOT, 'package-lock.json'),
];

function filesUnder(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs
    .readdirSync(entry)
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(filesUnder)) {
    hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Returns whether it built (false: the bundle was up to date). */
export function buildConsole(): boolean {
  const hash = sourcesHash();
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash) return false;
  execFileSync(
    process.execPath,
    [
      path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(CONSOLE, 'vite.config.ts'),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  fs.writeFileSync(STAMP, hash);
  return true;
}

if (require.main === module) {
  const started = Date.now();
  const built = buildConsole();
  process.stdout.write(
    built ? `console built in ${Date.now() - started} ms (console/dist)\n` : 'console is up to date\n',
  );
}
