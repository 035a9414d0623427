import fs from 'node:fs';
import path from 'node:path';

export const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
export const manifestTemplates = path.join(repositoryRoot, 'manifests', 'outlook');
const iconsDirectory = path.join(repositoryRoot, 'outlook-addin', 'public', 'icons');

export interface PackagedManifests {
  origin: string;
  xmlPath: string;
  unifiedDirectory: string;
  /** Problems Microsoft's bundled JSON schema found in the unified manifest (empty = valid). */
  unifiedSchemaErrors: string[];
}

/** `https://crm.example.net/` → `https://crm.example.net`; anything but an https origin is refused. */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`PUBLIC_URL "${value}" is not a URL (expected e.g. https://crm.example.net)`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(
      `PUBLIC_URL must be https (Outlook loads add-ins over https only, localhost too): got ${url.protocol}`,
    );
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(
      `PUBLIC_URL must be an origin without a path (the pane lives at /addins/outlook/): got ${value}`,
    );
  }
  return url.origin;
}

function fill(template: string, origin: string): string {
  return template.replaceAll('{{ORIGIN}}', origin).replaceAll('{{HOST}}', new URL(origin).host);
}

function escapeXmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Writes the XML manifest and the unified (JSON) manifest folder for one server origin, and
 * validates the JSON against the schema @microsoft/app-manifest ships (offline).
 */
export async function packageManifests(
  originInput: string,
  outputDirectory: string,
): Promise<PackagedManifests> {
  const origin = normalizeOrigin(originInput);
  fs.mkdirSync(outputDirectory, { recursive: true });

  const xmlPath = path.join(outputDirectory, 'manifest.xml');
  fs.writeFileSync(
    xmlPath,
    fill(
      fs.readFileSync(path.join(manifestTemplates, 'manifest.template.xml'), 'utf8'),
      escapeXmlAttribute(origin),
    ),
  );

  const unifiedDirectory = path.join(outputDirectory, 'unified');
  fs.mkdirSync(unifiedDirectory, { recursive: true });
  const manifest = JSON.parse(
    fill(fs.readFileSync(path.join(manifestTemplates, 'manifest.template.json'), 'utf8'), origin),
  ) as {
    icons: { outline: string; color: string };
  };
  fs.writeFileSync(
    path.join(unifiedDirectory, 'manifest.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  for (const language of ['zh-cn', 'ro-ro']) {
    const localized = fs.readFileSync(
      path.join(manifestTemplates, `${language}.template.json`),
      'utf8',
    );
    fs.writeFileSync(path.join(unifiedDirectory, `${language}.json`), fill(localized, origin));
  }
  for (const icon of [manifest.icons.outline, manifest.icons.color]) {
    fs.copyFileSync(path.join(iconsDirectory, icon), path.join(unifiedDirectory, icon));
  }

  // @microsoft/app-manifest pulls an ESM-only dependency: loaded here, in plain Node, not in jest.
  const { AppManifestUtils } = (await import('@microsoft/app-manifest')) as {
    AppManifestUtils: { validateAgainstSchema(manifest: unknown): Promise<string[]> };
  };
  const unifiedSchemaErrors = await AppManifestUtils.validateAgainstSchema(manifest);
  return { origin, xmlPath, unifiedDirectory, unifiedSchemaErrors };
}

async function main(): Promise<void> {
  const argument = process.argv.indexOf('--origin');
  const origin =
    (argument > 0 ? process.argv[argument + 1] : undefined) ??
    process.env.PUBLIC_URL ??
    'https://localhost:3443';
  const output = (() => {
    const index = process.argv.indexOf('--out');
    return index > 0 && process.argv[index + 1]
      ? path.resolve(process.argv[index + 1]!)
      : path.join(repositoryRoot, 'outlook-addin', 'dist', 'manifest');
  })();
  if (argument < 0 && !process.env.PUBLIC_URL) {
    console.warn('PUBLIC_URL is not set: packaging for the dev server at https://localhost:3443');
  }
  const result = await packageManifests(origin, output);
  if (result.unifiedSchemaErrors.length > 0) {
    console.error(
      `Unified manifest does not match Microsoft's schema:\n  ${result.unifiedSchemaErrors.join('\n  ')}`,
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    `Outlook manifests for ${result.origin}:\n  ${path.relative(process.cwd(), result.xmlPath)}\n  ${path.relative(process.cwd(), result.unifiedDirectory)}/ (zip its files for the unified manifest)\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
