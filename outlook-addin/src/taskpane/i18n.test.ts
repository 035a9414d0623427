import { catalogs, createTranslator, pickLanguage } from './i18n';

const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('i18n', () => {
  test('zh-CN and ro translate every English key with the same placeholders', () => {
    const english = catalogs.en;
    for (const language of ['zh-CN', 'ro'] as const) {
      const catalog = catalogs[language];
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(english).sort());
      for (const key of Object.keys(english) as (keyof typeof english)[]) {
        expect([language, key, placeholders(catalog[key])]).toEqual([
          language,
          key,
          placeholders(english[key]),
        ]);
        expect(catalog[key].trim()).not.toBe('');
      }
    }
  });

  test("Outlook's display language picks the catalog", () => {
    expect(pickLanguage('zh-CN')).toBe('zh-CN');
    expect(pickLanguage('ro-RO')).toBe('ro');
    expect(pickLanguage('en-GB')).toBe('en');
    expect(pickLanguage(undefined)).toBe('en');
    expect(createTranslator('ro')('selectedCount', { count: 3 })).toBe('3 mesaje selectate');
  });
});
