import { en, type MessageKey, type Messages } from './i18n/en';
import { ro } from './i18n/ro';
import { zhCn } from './i18n/zh-cn';

export type { MessageKey, Messages };

export const catalogs: Record<'en' | 'zh-CN' | 'ro', Messages> = { en, 'zh-CN': zhCn, ro };

/** Outlook's display language (`zh-CN`, `ro-RO`, `en-GB` …) → one of our catalogs. */
export function pickLanguage(displayLanguage: string | undefined): keyof typeof catalogs {
  const tag = (displayLanguage ?? '').toLowerCase();
  if (tag.startsWith('zh')) return 'zh-CN';
  if (tag.startsWith('ro')) return 'ro';
  return 'en';
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function createTranslator(language: keyof typeof catalogs): Translate {
  const messages = catalogs[language];
  return (key, values) =>
    messages[key].replace(/\{(\w+)\}/g, (match, name: string) =>
      values && name in values ? String(values[name]) : match,
    );
}
