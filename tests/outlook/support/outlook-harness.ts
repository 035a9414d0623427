import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { contentSecurityPolicyHeader } from '../../../outlook-addin/src/build/content-security-policy';
import { newIsolatedContext } from '../../support/chromium';
import { loadFakeMails, repositoryRoot } from './fake-mail-data';
import { installFakeOutlook, type FakeOutlookConfig } from './fake-outlook';

const paneDirectory = path.join(repositoryRoot, 'outlook-addin', 'dist');
const officeJsDirectory = path.join(
  path.dirname(require.resolve('@microsoft/office-js/package.json')),
  'dist',
);
const officeTelemetryOrigin = 'https://telemetryservice.firstpartyapps.oaspapps.com';
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

export interface PaneServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * The CRM server's express app on 127.0.0.1, with the built task pane at `/addins/outlook/`
 * under the pane's Content-Security-Policy (the policy the server is asked to send).
 */
export async function startPaneServer(app: http.RequestListener): Promise<PaneServer> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/addins/outlook/')) {
      app(request, response);
      return;
    }
    const file = path.normalize(
      path.join(paneDirectory, url.pathname.slice('/addins/outlook/'.length)),
    );
    if (
      !file.startsWith(paneDirectory + path.sep) ||
      !fs.existsSync(file) ||
      fs.statSync(file).isDirectory()
    ) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': contentSecurityPolicyHeader(),
      'X-Content-Type-Options': 'nosniff',
    });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface OpenPaneOptions {
  /** `.eml` files the fake mailbox holds, in order. */
  mails: string[];
  initialIndex?: number;
  /** Default: a modern Outlook on the web (Mailbox 1.15, no NAA so the API token path is used). */
  sets?: Record<string, string>;
  displayLanguage?: string;
  latencyMs?: number;
  /** A personal API token already saved in the mailbox's roaming settings. */
  apiToken?: string;
  /**
   * A local Entra (http) that answers for https://login.microsoftonline.com in this browser
   * context, the way the server reaches it through ENTRA_AUTHORITY_URL: MSAL.js keeps its real
   * https authority and the fake's URLs in answers are shown to the page as Entra's.
   */
  entraAuthority?: string;
  /** Runs on the fresh browser context before the pane loads (bindings, routes). */
  prepareContext?: (context: BrowserContext) => Promise<void>;
}

export interface OpenedPane {
  context: BrowserContext;
  page: Page;
  /** Requests that tried to leave 127.0.0.1 (all aborted). */
  remoteRequests: string[];
  /** Uncaught exceptions, console errors and CSP violations seen in the page. */
  problems: string[];
}

/**
 * Opens the built task pane the way Outlook would, minus Outlook: the real office.js from
 * @microsoft/office-js answers for Microsoft's CDN URL, and a fake mailbox built from the `.eml`
 * files fills `Office.context` once office.js has booted.
 */
export async function openTaskPane(
  browser: Browser,
  origin: string,
  options: OpenPaneOptions,
): Promise<OpenedPane> {
  const { context, remoteRequests } = await newIsolatedContext(browser);
  await context.route(
    /^https:\/\/appsforoffice\.microsoft\.com\/lib\/1\/hosted\/([\w./-]+)$/,
    (route) => {
      const name = /hosted\/([\w./-]+)$/.exec(route.request().url())![1]!;
      const file = path.normalize(path.join(officeJsDirectory, name));
      if (!file.startsWith(officeJsDirectory + path.sep) || !fs.existsSync(file))
        return route.fulfill({ status: 404 });
      return route.fulfill({ path: file, contentType: 'text/javascript; charset=utf-8' });
    },
  );
  if (options.entraAuthority) await routeEntraTo(context, options.entraAuthority);
  await options.prepareContext?.(context);
  const config: FakeOutlookConfig = {
    mails: await loadFakeMails(options.mails),
    sets: options.sets ?? { Mailbox: '1.15', DialogApi: '1.2' },
    initialIndex: options.initialIndex ?? 0,
    displayLanguage: options.displayLanguage ?? 'en-US',
    latencyMs: options.latencyMs ?? 5,
    userEmail: 'sofia.marin@larchmont.example.net',
    roaming: options.apiToken ? { inboxCrmApiToken: options.apiToken } : {},
  };
  // Sent as source: under tsx (esbuild keepNames) the function body calls an `__name` helper that
  // only exists in Node, so the page gets a no-op one.
  await context.addInitScript({
    content: `var __name = (target) => target;\n(${installFakeOutlook.toString()})(${JSON.stringify(config)});`,
  });
  const problems: string[] = [];
  // The pane and every window it opens (the Office sign-in dialog).
  context.on('page', (page) => watchPage(page, problems));
  const page = await context.newPage();
  await page.goto(`${origin}/addins/outlook/taskpane.html`);
  return { context, page, remoteRequests, problems };
}

function watchPage(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // office.js frames its telemetry page in plain (test) mode; the CSP and the route block it.
    if (text.includes(officeTelemetryOrigin)) return;
    if (
      text.startsWith('Failed to load resource') &&
      !/^https?:\/\/127\.0\.0\.1[:/]/.test(message.location().url)
    )
      return;
    problems.push(`console: ${text}`);
  });
}

const entraOrigin = 'https://login.microsoftonline.com';

async function routeEntraTo(context: BrowserContext, authority: string): Promise<void> {
  await context.route(/^https:\/\/login\.microsoftonline\.com\//, async (route) => {
    const request = route.request();
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': 'GET, POST',
    };
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    const url = new URL(request.url());
    const response = await route.fetch({
      url: `${authority}${url.pathname}${url.search}`,
      maxRedirects: 0,
    });
    const headers: Record<string, string> = { ...response.headers(), ...cors };
    delete headers['content-length'];
    if (headers.location) headers.location = headers.location.replaceAll(authority, entraOrigin);
    const body = (await response.text()).replaceAll(authority, entraOrigin);
    return route.fulfill({ status: response.status(), headers, body });
  });
}

/** office.js's telemetry iframe is the only remote request expected (and it is aborted). */
export function unexpectedRemoteRequests(remoteRequests: string[]): string[] {
  return remoteRequests.filter((url) => !url.startsWith(`${officeTelemetryOrigin}/`));
}
