import { sanitizeMailHtml } from './sanitize-mail-html';

describe('sanitizeMailHtml (mail policy, sync-and-mail.md §5.3)', () => {
  it.each([
    ['<img src=x onerror="alert(1)">', 'onerror'],
    ['<a href="javascript:alert(1)">x</a>', 'javascript'],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', 'ascript'],
    ['<a href=" JaVaScRiPt:alert(1)">x</a>', 'alert'],
    ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', 'iframe'],
    ['<object data="x.swf"></object><embed src="x">', 'object'],
    ['<base href="https://evil.example/">', 'base'],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', 'refresh'],
    ['<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', 'data:'],
    ['<div style="background:url(https://tracker.example/p.gif)">x</div>', 'url('],
    ['<div style="width: expression(alert(1))">x</div>', 'expression'],
    ['<svg><a xlink:href="javascript:alert(1)">x</a></svg>', 'javascript'],
    ['<form action="https://evil.example"><input></form>', 'form'],
    ['<p id="x" class="y" data-x="1">t</p>', 'class'],
  ])('neutralizes %s', (payload, forbidden) => {
    expect(sanitizeMailHtml(payload).toLowerCase()).not.toContain(forbidden);
  });

  it('drops script, style, title and noscript with their content, unwraps other unknown tags', () => {
    const html =
      '<head><title>T</title></head><style>p{}</style><script>evil()</script><noscript>n</noscript><article>kept</article>';
    expect(sanitizeMailHtml(html)).toBe('kept');
  });

  it('keeps mail formatting: tables, fonts and safe inline styles', () => {
    const html =
      '<table border="0" cellpadding="2"><tr><td colspan="2" style="color: red; padding: 4px">a</td></tr></table><font color="blue" face="Arial">b</font>';
    const clean = sanitizeMailHtml(html);
    expect(clean).toContain('<table border="0" cellpadding="2">');
    expect(clean).toContain('colspan="2"');
    expect(clean).toContain('color:red');
    expect(clean).toContain('<font color="blue" face="Arial">b</font>');
  });

  it('opens absolute links in a new window without opener, drops relative ones', () => {
    expect(sanitizeMailHtml('<a href="https://example.com/x">x</a>')).toBe(
      '<a href="https://example.com/x" target="_blank" rel="noopener noreferrer nofollow">x</a>',
    );
    expect(sanitizeMailHtml('<a href="mailto:a@b.example">m</a>')).toContain(
      'href="mailto:a@b.example"',
    );
    expect(sanitizeMailHtml('<a href="/admin">r</a>')).toBe('<a>r</a>');
    expect(sanitizeMailHtml('<a href="//evil.example/">r</a>')).toBe('<a>r</a>');
  });

  it('blocks remote images until asked, keeps inline raster data, refuses SVG data', () => {
    expect(sanitizeMailHtml('<img src="https://t.example/p.gif" alt="p">')).toBe(
      '<img alt="p" data-blocked-src="https://t.example/p.gif" />',
    );
    const stored = sanitizeMailHtml('<img src="https://t.example/p.gif">');
    expect(sanitizeMailHtml(stored, { allowRemoteImages: true })).toBe(
      '<img src="https://t.example/p.gif" />',
    );
    expect(sanitizeMailHtml('<img src="data:image/png;base64,iVBORw0KGgo=">')).toBe(
      '<img src="data:image/png;base64,iVBORw0KGgo=" />',
    );
    expect(sanitizeMailHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=">')).toBe('<img />');
    expect(sanitizeMailHtml('<img srcset="https://t.example/a.png 2x">')).toBe('<img />');
  });

  it('rewrites cid: images to the stored attachment and drops unknown ones', () => {
    const resolveContentId = (cid: string) =>
      cid === 'logo@mail' ? '/api/v1/attachments/abc/content' : undefined;
    expect(sanitizeMailHtml('<img src="cid:Logo@Mail">', { resolveContentId })).toBe(
      '<img src="/api/v1/attachments/abc/content" />',
    );
    expect(sanitizeMailHtml('<img src="cid:other@mail">', { resolveContentId })).toBe('<img />');
  });
});
