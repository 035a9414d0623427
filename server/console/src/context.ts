import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from '@inbox-crm/shared/schemas';
import type { ConsoleApi } from './console-api';
import { translate, type Language, type MessageKey } from './i18n';

export interface ConsoleContextValue {
  api: ConsoleApi;
  me: Me | null;
  setMe(me: Me | null): void;
  language: Language;
  setLanguage(language: Language): void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('ConsoleContext is missing');
  return value;
}

export function useTranslate(): (
  key: MessageKey,
  params?: Record<string, string | number>,
) => string {
  const { language } = useConsole();
  return (key, params) => translate(language, key, params);
}
