import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, type UserConfig } from 'vite';

/**
 * The task pane and the sign-in dialog page, served by the CRM server at `/addins/outlook/`.
 * `npm run dev` serves them over https on localhost (certificates from office-addin-dev-certs)
 * and proxies `/api` to the CRM server, so Outlook on the web can sideload the dev manifest.
 */
export default defineConfig(async ({ command }): Promise<UserConfig> => {
  const server: UserConfig['server'] = {
    host: 'localhost',
    port: Number(process.env.OUTLOOK_DEV_PORT ?? 3443),
    strictPort: true,
    proxy: { '/api': process.env.CRM_SERVER_URL ?? 'http://127.0.0.1:3000' },
  };
  if (command === 'serve') server.https = await developmentCertificates();
  return {
    root: path.resolve(__dirname, 'src'),
    base: '/addins/outlook/',
    publicDir: path.resolve(__dirname, 'public'),
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: path.resolve(__dirname, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: {
          taskpane: path.resolve(__dirname, 'src/taskpane.html'),
          'sign-in-dialog': path.resolve(__dirname, 'src/sign-in-dialog.html'),
        },
      },
    },
    server,
    logLevel: 'warn',
  };
});

/** office-addin-dev-certs generates offline; its `install` step needs sudo, so we only generate. */
async function developmentCertificates(): Promise<{ cert: Buffer; key: Buffer }> {
  const devCerts = await import('office-addin-dev-certs');
  const { localhostCertificatePath, localhostKeyPath } =
    await import('office-addin-dev-certs/lib/defaults');
  if (!fs.existsSync(localhostCertificatePath) || !fs.existsSync(localhostKeyPath)) {
    await devCerts.generateCertificates();
  }
  return {
    cert: fs.readFileSync(localhostCertificatePath),
    key: fs.readFileSync(localhostKeyPath),
  };
}
