import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { contentSecurityPolicyHeader } from '@inbox-crm/outlook-addin/content-security-policy';
import type { AppModule } from '../app-module';

/**
 * Outlook frames the task pane and it loads office.js from Microsoft's CDN: the add-in's own
 * policy (owned by the add-in) replaces the console's strict one for that path only.
 */
const outlookTaskPaneHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', contentSecurityPolicyHeader());
  res.removeHeader('X-Frame-Options');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin-allow-popups');
  next();
};

/**
 * Serves what `npm run build:assets` produced: the admin console at `/`, the Outlook task pane at
 * `/addins/outlook/` and the Thunderbird package at `/addins/thunderbird/`. A missing build is
 * reported once at start-up rather than as a blank page.
 */
export const staticAssetsModule: AppModule = {
  name: 'static-assets',
  mount(app, { config, logger }) {
    const root = config.repositoryRoot;
    const mounts: Array<{
      urlPath: string;
      directory: string;
      spa: boolean;
      headers?: RequestHandler;
    }> = [
      {
        urlPath: '/addins/outlook',
        directory: path.join(root, 'outlook-addin', 'dist'),
        spa: false,
        headers: outlookTaskPaneHeaders,
      },
      {
        urlPath: '/addins/thunderbird',
        directory: path.join(root, 'thunderbird-extension', 'dist'),
        spa: false,
      },
      { urlPath: '/', directory: path.join(root, 'server', 'console', 'dist'), spa: true },
    ];
    for (const { urlPath, directory, spa, headers } of mounts) {
      if (!fs.existsSync(directory)) {
        logger.warn(
          { directory },
          `no build at ${path.relative(root, directory)}: run npm run build:assets`,
        );
        continue;
      }
      if (headers) app.use(urlPath, headers);
      app.use(
        urlPath,
        express.static(directory, { index: spa ? 'index.html' : false, fallthrough: true }),
      );
      if (spa) {
        const indexFile = path.join(directory, 'index.html');
        // Client-side routes of the console (e.g. /teams/42) load the same page.
        app.get(/^\/(?!api\/|addins\/|auth\/|healthz|readyz).*/, (_req, res) => {
          res.sendFile(indexFile);
        });
      }
    }
  },
};
