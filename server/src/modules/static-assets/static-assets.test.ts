import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createLogger } from '../../logger';
import { staticAssetsModule } from './static-assets.module';

/** A fake repository root with the three builds, so the test needs no vite run. */
function fakeBuilds(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'inbox-crm-assets-'));
  const write = (relative: string, content: string) => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };
  write('server/console/dist/index.html', '<!doctype html><title>console</title>');
  write('outlook-addin/dist/taskpane.html', '<!doctype html><title>pane</title>');
  write('thunderbird-extension/dist/inbox-crm.xpi', 'PK');
  return root;
}

describe('static assets', () => {
  const root = fakeBuilds();
  const config = { ...loadConfig({ NODE_ENV: 'test' }), repositoryRoot: root };
  const { app } = createApp({ config, logger: createLogger({ level: 'silent' }) }, [
    staticAssetsModule,
  ]);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('serves the console for its client-side routes under the strict policy', async () => {
    const page = await request(app).get('/teams/42');
    expect(page.status).toBe(200);
    expect(page.text).toContain('console');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it("serves the task pane with the add-in's policy: Outlook may frame it, office.js may load", async () => {
    const pane = await request(app).get('/addins/outlook/taskpane.html');
    expect(pane.status).toBe(200);
    const csp = pane.headers['content-security-policy'] as string;
    expect(csp).toContain('https://appsforoffice.microsoft.com');
    expect(csp).toContain('frame-ancestors');
    expect(csp).toContain('https://outlook.office.com');
    expect(csp).not.toContain("frame-ancestors 'none'");
    expect(pane.headers['x-frame-options']).toBeUndefined();
  });

  it('serves the Thunderbird package and answers unknown API paths with JSON, not the console', async () => {
    const xpi = await request(app).get('/addins/thunderbird/inbox-crm.xpi');
    expect(xpi.status).toBe(200);
    const api = await request(app).get('/api/v1/nothing');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
  });
});
