import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../../../tests/support/chromium';

/**
 * Renders the add-in icons from their SVG sources with headless Chromium (run by hand when the
 * artwork changes; the PNGs are committed): ribbon 16/32/80, IconUrl 64, high-resolution 128,
 * unified-manifest colour 192 and transparent outline 32.
 */
async function main(): Promise<void> {
  const here = __dirname;
  const output = path.resolve(here, '..', '..', 'public', 'icons');
  fs.mkdirSync(output, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const render = async (svgFile: string, size: number, name: string) => {
      const svg = fs.readFileSync(path.join(here, svgFile), 'utf8');
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
      );
      await page.screenshot({
        path: path.join(output, name),
        omitBackground: true,
        clip: { x: 0, y: 0, width: size, height: size },
      });
    };
    for (const size of [16, 32, 64, 80, 128, 192])
      await render('icon.svg', size, `icon-${size}.png`);
    await render('outline-icon.svg', 32, 'icon-outline-32.png');
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
