import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { AppModule } from '../app-module';

/**
 * Serves what `npm run build:assets` produced: the admin console at `/`, the Outlook task pane at
 * `/addins/outlook/` and the Thunderbird package at `/addins/thunderbird/`. A missing build is
 * reported once at start-up rather than as a blank page.
 */
export const staticAssetsModule: AppModule = {
  name: 'static-assets',
  mount(app, { config, logger }) {
    const root = config.repositoryRoot;
    const mounts: Array<{ urlPath: string; directory: string; spa: boolean }> = [
      { urlPath: '/addins/outlook', directory: path.join(root, 'outlook-addin', 'dist'), spa: false },
      { urlPath: '/addins/thunderbird', directory: path.join(root, 'thunderbird-extension', 'dist'), spa: false },
      { urlPath: '/', directory: path.join(root, 'server', 'console', 'dist'), spa: true },
    ];
    for (const { urlPath, directory, spa } of mounts) {
      if (!fs.existsSync(directory)) {
        logger.warn({ directory }, `no build at ${path.relative(root, directory)}: run npm run build:assets`);
        continue;
      }
      app.use(urlPath, express.static(directory, { index: spa ? 'index.html' : false, fallthrough: true }));
      if (spa) {
        const indexFile = path.join(directory, 'index.html');
        // Client-side routes of the console (e.g. /teams/42) load the same page.
        app.get(/^\/(?!api\/|addins\/|healthz|readyz).*/, (_req, res) => {
          res.sendFile(indexFile);
        });
      }
    }
  },
};
