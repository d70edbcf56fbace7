import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The console is served by the API at /console (api/console/router.ts). Preact's JSX through
 * esbuild, no plugin: the build stays a couple of seconds. Everything is bundled (no CDN, system
 * fonts), so the page makes no request but to the API.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  },
  build: {
    outDir: path.join(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    rollupOptions: {
      // zod's sources carry comments Rollup cannot place; it drops them, which is harmless.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
});
