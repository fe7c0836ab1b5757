import type { IncomingHttpHeaders } from 'node:http';
import { zh, type MessageKey } from './messages/zh.js';
import { en } from './messages/en.js';

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The cookie that keeps the reader's language choice; Chinese when it is absent. */
export const LANGUAGE_COOKIE = 'estatecare_lang';

const CATALOGUES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { zh, en };

export function isLanguage(value: string | undefined): value is Language {
  return value === 'zh' || value === 'en';
}

/** The language of a request: the reader's saved choice, else Chinese (the console is Chinese-first). */
export function languageOf(headers: IncomingHttpHeaders): Language {
  const match = /(?:^|;\s*)estatecare_lang=(zh|en)(?:;|$)/.exec(headers.cookie ?? '');
  return isLanguage(match?.[1]) ? match[1] : 'zh';
}

export function messagesOf(language: Language): Readonly<Record<MessageKey, string>> {
  return CATALOGUES[language];
}

/** One text with its `{name}` slots filled. */
export function message(language: Language, key: MessageKey, values: Record<string, string> = {}): string {
  return CATALOGUES[language][key].replace(/\{(\w+)\}/g, (slot, name: string) => values[name] ?? slot);
}
