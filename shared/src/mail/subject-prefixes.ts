// Reply/forward prefixes in the languages of our users (sync-and-mail.md §6). Matched
// case-insensitively because the result only names a draft and is a thread-matching fallback.
const PREFIX_WORDS = [
  // any language
  're',
  'fwd',
  'fw',
  // de
  'aw',
  'antw',
  'wg',
  // fr
  'tr',
  // zh-CN, zh-TW
  '回复',
  '答复',
  '转发',
  '回覆',
  '轉寄',
  // ja
  '返信',
  '転送',
  // ro
  'răspuns',
  'raspuns',
  'redirecționat',
  'redirecţionat',
  'redirectionat',
  // it, es, pt, nl, pl, tr, nordic
  'rif',
  'rv',
  'res',
  'enc',
  'doorst',
  'odp',
  'pd',
  'ynt',
  'i̇lt',
  'ilt',
  'sv',
  'vs',
  'vb',
  'vl',
];
// Single letters (Italian `R:`, `I:`) only with the colon right after them.
const SINGLE_LETTER_PREFIX = /^\s*[ri]:\s*/iu;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD_PREFIX = new RegExp(
  `^\\s*(?:${PREFIX_WORDS.map(escapeRegExp).join('|')})\\s*(?:\\[\\d+\\]|\\(\\d+\\)|\\^\\d+)?\\s*[:：]\\s*`,
  'iu',
);
const GATEWAY_TAG = /^\s*\[(?:ext|external|extern)\]\s*/iu;

/**
 * The subject without leading reply/forward prefixes and gateway tags, repeatedly
 * (`Re[2]: AW: Fwd: topic` → `topic`). If nothing would be left, the original is kept.
 */
export function stripSubjectPrefixes(subject: string): string {
  const original = subject.normalize('NFC').replace(/\s+/g, ' ').trim();
  let current = original;
  for (;;) {
    const next = current
      .replace(WORD_PREFIX, '')
      .replace(SINGLE_LETTER_PREFIX, '')
      .replace(GATEWAY_TAG, '');
    if (next === current) break;
    current = next;
  }
  return current.trim() || original;
}

/** True when the subject starts with a reply or forward prefix. */
export function hasReplyOrForwardPrefix(subject: string): boolean {
  return stripSubjectPrefixes(subject) !== subject.normalize('NFC').replace(/\s+/g, ' ').trim();
}
