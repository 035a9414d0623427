import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium, newIsolatedContext } from '../support/chromium';

/**
 * The mail HTML policy (sync-and-mail.md §5.3) in a real browser: `sanitizeMailHtml` from
 * `@inbox-crm/shared/mail`, bundled for the browser, rendered with `replaceChildren` into a live
 * page. Payloads that would run script set `window.__xss`; remote loads are caught at the network.
 */
const entry = `
  import { sanitizeMailHtml, sanitizeMailHtmlToString } from '@inbox-crm/shared/mail';
  window.renderMail = (html, allowRemoteImages) => {
    const fragment = sanitizeMailHtml(html, { allowRemoteImages, cidUrl: (cid) => '/api/v1/attachments/by-cid/' + encodeURIComponent(cid) });
    document.getElementById('out').replaceChildren(fragment);
    return document.getElementById('out').innerHTML;
  };
  window.sanitizeToString = (html) => sanitizeMailHtmlToString(html);
`;

async function bundle(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: path.resolve(__dirname), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const payloads: Array<[name: string, html: string]> = [
  ['img onerror', '<img src=x onerror="window.__xss=1">'],
  ['details ontoggle', '<details open ontoggle="window.__xss=2">x</details>'],
  ['svg animate', '<svg><animate onbegin="window.__xss=3" attributeName=x dur=1s></svg>'],
  ['javascript link', '<a href="jav&#x09;ascript:window.__xss=4">click</a>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>parent.__xss=5</script>"></iframe>'],
  ['noscript mXSS', '<noscript><p title="</noscript><img src=x onerror=window.__xss=6>">'],
  ['comment trick', '<!--<img src="--><img src=x onerror=window.__xss=7>">'],
  [
    'math mglyph',
    '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=8></style></mglyph></table></mtext></math>',
  ],
  ['data html link', '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
  ['remote image', '<img src="https://tracker.example/pixel.gif" width="1" height="1">'],
  ['css url', '<div style="background:url(https://tracker.example/bg.png);color:red">x</div>'],
  ['style block', '<style>@import url(https://tracker.example/a.css)</style><p>text</p>'],
  ['form action', '<form action="javascript:window.__xss=9"><button>go</button></form>'],
];

describeWithChromium('mail HTML sanitizing in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let remoteRequests: string[];
  let bundleBytes = 0;

  beforeAll(async () => {
    const code = await bundle(entry);
    bundleBytes = gzipSync(code).length;
    browser = await launchChromium();
    const isolated = await newIsolatedContext(browser);
    remoteRequests = isolated.remoteRequests;
    page = await isolated.context.newPage();
    await page.route('http://127.0.0.1:9/**', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<html><body><div id="out"></div></body></html>',
      }),
    );
    await page.goto('http://127.0.0.1:9/mail.html');
    await page.addScriptTag({ content: code });
  });
  afterAll(() => browser?.close());

  it.each(payloads)('%s: nothing runs and nothing loads', async (_name, html) => {
    await page.evaluate(
      (markup) =>
        (window as unknown as { renderMail(html: string, remote: boolean): string }).renderMail(
          markup,
          false,
        ),
      html,
    );
    await page.waitForTimeout(100);
    for (const selector of ['a', 'button', 'summary']) {
      for (const element of await page.$$(`#out ${selector}`))
        await element.click({ timeout: 500 }).catch(() => undefined);
    }
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    expect(remoteRequests).toEqual([]);
  });

  it('control: the same payloads inserted raw do run and load (so the checks above can fail)', async () => {
    await page.evaluate(() => {
      const out = document.getElementById('out')!;
      out.innerHTML =
        '<img src=x onerror="window.__xss=1"><img src="https://tracker.example/pixel.gif">';
    });
    await page.waitForTimeout(150);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(1);
    expect(remoteRequests).toContain('https://tracker.example/pixel.gif');
    await page.evaluate(() => {
      delete (window as unknown as { __xss?: number }).__xss;
      document.getElementById('out')!.replaceChildren();
    });
    remoteRequests.length = 0;
  });

  it('keeps the mail readable: tables, fonts, safe styles, links opening outside, cid and inline images', async () => {
    const html = await page.evaluate(() =>
      (window as unknown as { renderMail(html: string, remote: boolean): string }).renderMail(
        '<table border="0" cellpadding="2" width="100%"><tr><td align="left" style="color:#0c3b4a;font-size:10pt;position:fixed">' +
          '<font face="Arial" color="red">Hi</font> <a href="https://northgate-dental.example.com">site</a> <a href="/relative">rel</a>' +
          '<img src="cid:image001.png@01DB5A2E.5C3E7B10" alt="logo"><img src="data:image/png;base64,iVBORw0KGgo=">' +
          '<img src="https://cdn.example/photo.jpg" class="x" id="y"></td></tr></table>',
        false,
      ),
    );
    expect(html).toContain('<table border="0" cellpadding="2" width="100%">');
    expect(html).toContain('style="color:#0c3b4a; font-size:10pt"');
    expect(html).toContain('<font face="Arial" color="red">');
    expect(html).toContain(
      'href="https://northgate-dental.example.com" target="_blank" rel="noopener noreferrer nofollow"',
    );
    expect(html).not.toContain('/relative');
    expect(html).toContain('src="/api/v1/attachments/by-cid/image001.png%4001DB5A2E.5C3E7B10"');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toContain('data-blocked-src="https://cdn.example/photo.jpg"');
    expect(html).not.toMatch(/class=|id=/);
  });

  it('shows remote images only after the user asked for them', async () => {
    const html = await page.evaluate(() =>
      (window as unknown as { sanitizeToString(html: string): string }).sanitizeToString(
        '<img src="https://cdn.example/photo.jpg">',
      ),
    );
    expect(html).toBe('<img data-blocked-src="https://cdn.example/photo.jpg">');
    const allowed = await page.evaluate(() =>
      (window as unknown as { renderMail(html: string, remote: boolean): string }).renderMail(
        '<img src="https://cdn.example/photo.jpg">',
        true,
      ),
    );
    expect(allowed).toBe('<img src="https://cdn.example/photo.jpg">');
  });

  it('keeps the sanitizer bundle small (DOMPurify + policy)', () => {
    expect(bundleBytes).toBeGreaterThan(1000);
    expect(bundleBytes).toBeLessThan(20_000);
  });
});
