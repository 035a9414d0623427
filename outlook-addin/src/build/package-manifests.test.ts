import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { normalizeOrigin } from './package-manifests';

const addinRoot = path.resolve(__dirname, '..', '..');
const origin = 'https://crm.example.net';
const outlookNamespace = 'http://schemas.microsoft.com/office/appforoffice/1.1';
const xsiNamespace = 'http://www.w3.org/2001/XMLSchema-instance';
const basicTypesNamespace = 'http://schemas.microsoft.com/office/officeappbasictypes/1.0';

let output: string;
let xmlText: string;
let document: Document;
let unifiedErrors: string[];

function children(element: Element | XmlElement): Element[] {
  return Array.from(element.childNodes as unknown as ArrayLike<Node>).filter(
    (node): node is Element => node.nodeType === 1,
  );
}
const child = (element: Element, name: string): Element => {
  const found = children(element).find((candidate) => candidate.localName === name);
  if (!found) throw new Error(`<${element.localName}> has no <${name}>`);
  return found;
};
const all = (name: string): Element[] =>
  Array.from(document.getElementsByTagNameNS('*', name) as unknown as ArrayLike<Element>);
const pngSize = (file: string) => {
  const bytes = fs.readFileSync(file);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
};

beforeAll(() => {
  output = fs.mkdtempSync(path.join(os.tmpdir(), 'outlook-manifest-'));
  // Run as `npm run package` does: in plain Node, where @microsoft/app-manifest's ESM dependency loads.
  const script = `require('./src/build/package-manifests').packageManifests(${JSON.stringify(origin)}, ${JSON.stringify(output)}).then((r) => process.stdout.write(JSON.stringify(r.unifiedSchemaErrors)))`;
  unifiedErrors = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: addinRoot,
      encoding: 'utf8',
    }),
  ) as string[];
  xmlText = fs.readFileSync(path.join(output, 'manifest.xml'), 'utf8');
  const errors: string[] = [];
  document = new DOMParser({
    onError: (level, message) => errors.push(`${level}: ${message}`),
  }).parseFromString(xmlText, 'text/xml') as unknown as Document;
  expect(errors).toEqual([]);
}, 60_000);

afterAll(() => fs.rmSync(output, { recursive: true, force: true }));

describe('XML manifest (manifest.xml)', () => {
  test('is a MailApp with the elements in the schema order and no template markers left', () => {
    const root = document.documentElement!;
    expect(root.namespaceURI).toBe(outlookNamespace);
    expect(root.getAttributeNS(xsiNamespace, 'type')).toBe('MailApp');
    expect(children(root).map((element) => element.localName)).toEqual([
      'Id',
      'Version',
      'ProviderName',
      'DefaultLocale',
      'DisplayName',
      'Description',
      'IconUrl',
      'HighResolutionIconUrl',
      'SupportUrl',
      'AppDomains',
      'Hosts',
      'Requirements',
      'FormSettings',
      'Permissions',
      'Rule',
      'DisableEntityHighlighting',
      'VersionOverrides',
    ]);
    expect(child(root, 'Id').textContent).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(xmlText).not.toContain('{{');
  });

  test('declares Mailbox 1.5 as the minimum and the ReadWriteMailbox permission multi-select needs', () => {
    const root = document.documentElement!;
    const set = child(child(child(root, 'Requirements'), 'Sets'), 'Set');
    expect([set.getAttribute('Name'), set.getAttribute('MinVersion')]).toEqual(['Mailbox', '1.5']);
    expect(child(root, 'Permissions').textContent).toBe('ReadWriteMailbox');
    const rule = child(child(root, 'Rule'), 'Rule');
    expect([rule.getAttribute('ItemType'), rule.getAttribute('FormType')]).toEqual([
      'Message',
      'Read',
    ]);
  });

  test('a Message Read button opens a pinnable, multi-select task pane (VersionOverrides 1.1 inside 1.0)', () => {
    const outer = child(document.documentElement!, 'VersionOverrides');
    expect(outer.getAttributeNS(xsiNamespace, 'type')).toBe('VersionOverridesV1_0');
    const inner = child(outer, 'VersionOverrides');
    expect(inner.getAttributeNS(xsiNamespace, 'type')).toBe('VersionOverridesV1_1');
    const extensionPoint = all('ExtensionPoint')[0]!;
    expect(extensionPoint.getAttributeNS(xsiNamespace, 'type')).toBe('MessageReadCommandSurface');
    const action = all('Action')[0]!;
    expect(action.getAttributeNS(xsiNamespace, 'type')).toBe('ShowTaskpane');
    expect(children(action).map((element) => [element.localName, element.textContent])).toEqual([
      ['SourceLocation', ''],
      ['SupportsPinning', 'true'],
      ['SupportsMultiSelect', 'true'],
    ]);
    expect(
      all('Image')
        .filter((image) => image.namespaceURI === basicTypesNamespace && image.getAttribute('size'))
        .map((image) => image.getAttribute('size')),
    ).toEqual(['16', '32', '80']);
  });

  test('every resid resolves, resids and strings respect the length limits', () => {
    const resources = new Map(
      ['Image', 'Url', 'String'].flatMap((kind) =>
        all(kind)
          .filter((element) => element.getAttribute('id'))
          .map((element) => [element.getAttribute('id')!, element] as const),
      ),
    );
    const referenced = Array.from(
      document.getElementsByTagNameNS('*', '*') as unknown as ArrayLike<Element>,
    )
      .map((element) => element.getAttribute('resid'))
      .filter((value): value is string => !!value);
    expect(referenced.length).toBeGreaterThan(5);
    for (const resid of referenced) {
      expect([resid, resources.has(resid)]).toEqual([resid, true]);
      expect(resid.length).toBeLessThanOrEqual(32);
    }
    const lengthOf = (parent: string, limit: number) => {
      for (const text of all(parent).flatMap((group) =>
        children(group).flatMap((entry) => [entry, ...children(entry)]),
      )) {
        expect(
          (text.getAttribute('DefaultValue') ?? text.getAttribute('Value') ?? '').length,
        ).toBeLessThanOrEqual(limit);
      }
    };
    lengthOf('ShortStrings', 125);
    lengthOf('LongStrings', 250);
  });

  test('every URL is https on the packaged origin and each icon exists at its size', () => {
    const urls = Array.from(
      document.getElementsByTagNameNS('*', '*') as unknown as ArrayLike<Element>,
    )
      .map((element) => element.getAttribute('DefaultValue'))
      .filter((value): value is string => !!value && /^[a-z]+:\/\//i.test(value));
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const url of urls) expect(url.startsWith(`${origin}/`)).toBe(true);
    for (const appDomain of all('AppDomain')) expect(appDomain.textContent).toMatch(/^https:\/\//);
    const iconUrls = urls.filter((url) => url.includes('/icons/'));
    for (const url of iconUrls) {
      const size = Number(/icon-(\d+)\.png$/.exec(url)![1]);
      expect(pngSize(path.join(addinRoot, 'public', 'icons', path.basename(url)))).toEqual({
        width: size,
        height: size,
      });
    }
    expect(urls).toContain(`${origin}/addins/outlook/taskpane.html`);
  });
});

describe('unified manifest (manifest.json)', () => {
  test("validates against Microsoft's schema from @microsoft/app-manifest, offline", () => {
    expect(unifiedErrors).toEqual([]);
  });

  test('keeps multi-select and pinning (the converter drops multi-select), Mailbox 1.5, and localizations', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(output, 'unified', 'manifest.json'), 'utf8'),
    );
    const extension = manifest.extensions[0];
    expect(extension.requirements.capabilities).toEqual([{ name: 'Mailbox', minVersion: '1.5' }]);
    expect(extension.runtimes[0].actions[0]).toMatchObject({
      type: 'openPage',
      pinnable: true,
      multiselect: true,
    });
    expect(extension.runtimes[0].code.page).toBe(`${origin}/addins/outlook/taskpane.html`);
    expect(manifest.authorization.permissions.resourceSpecific).toEqual([
      { name: 'Mailbox.ReadWrite.User', type: 'Delegated' },
    ]);
    expect(manifest.validDomains).toContain('crm.example.net');
    for (const { file } of manifest.localizationInfo.additionalLanguages) {
      const localized = JSON.parse(fs.readFileSync(path.join(output, 'unified', file), 'utf8'));
      expect(localized['name.short']).toBeTruthy();
    }
    expect(pngSize(path.join(output, 'unified', manifest.icons.color))).toEqual({
      width: 192,
      height: 192,
    });
    expect(pngSize(path.join(output, 'unified', manifest.icons.outline))).toEqual({
      width: 32,
      height: 32,
    });
  });
});

describe('normalizeOrigin', () => {
  test('accepts an https origin, refuses http, paths and garbage with a clear message', () => {
    expect(normalizeOrigin('https://crm.example.net/')).toBe('https://crm.example.net');
    expect(normalizeOrigin('https://localhost:3443')).toBe('https://localhost:3443');
    expect(() => normalizeOrigin('http://crm.example.net')).toThrow(/must be https/);
    expect(() => normalizeOrigin('https://crm.example.net/crm')).toThrow(/without a path/);
    expect(() => normalizeOrigin('crm')).toThrow(/not a URL/);
  });
});
