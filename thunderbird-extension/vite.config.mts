import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

// Two builds from one source: `release` (what ships) and `test` (adds the 127.0.0.1 control
// channel the end-to-end tests drive; never in the release xpi — a test checks that).
const extensionDir = import.meta.dirname;
const manifestTemplatePath = path.resolve(
  extensionDir,
  '..',
  'manifests',
  'thunderbird',
  'manifest.json',
);

function manifestPlugin(): Plugin {
  return {
    name: 'inbox-crm-manifest',
    generateBundle() {
      const manifest = JSON.parse(readFileSync(manifestTemplatePath, 'utf8')) as Record<
        string,
        unknown
      >;
      const packageJson = JSON.parse(
        readFileSync(path.join(extensionDir, 'package.json'), 'utf8'),
      ) as {
        version: string;
      };
      manifest.version = packageJson.version;
      this.emitFile({
        type: 'asset',
        fileName: 'manifest.json',
        source: `${JSON.stringify(manifest, null, 2)}\n`,
      });
    },
  };
}

export default defineConfig(({ mode }) => {
  const isTestBuild = mode === 'test';
  return {
    root: extensionDir,
    base: './',
    publicDir: path.join(extensionDir, 'public'),
    define: { __INBOX_CRM_TEST_CONTROL__: JSON.stringify(isTestBuild) },
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    plugins: [manifestPlugin()],
    build: {
      outDir: path.join(extensionDir, 'dist', isTestBuild ? 'extension-test' : 'extension'),
      emptyOutDir: true,
      target: 'firefox128',
      // ATN review wants readable code: no minification, no mangling.
      minify: false,
      sourcemap: false,
      modulePreload: false,
      rollupOptions: {
        input: {
          background: path.join(extensionDir, 'src', 'background', 'main.ts'),
          popup: path.join(extensionDir, 'popup.html'),
          options: path.join(extensionDir, 'options.html'),
          bulk: path.join(extensionDir, 'bulk.html'),
        },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name].js',
          assetFileNames: 'assets/[name][extname]',
        },
      },
    },
  };
});
