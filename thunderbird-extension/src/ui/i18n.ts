// Strings come from _locales/<lang>/messages.json through the WebExtension i18n API; pages get a
// `t` function so components stay testable with the English catalogue.

export type Translate = (key: string, substitutions?: string | string[]) => string;

export function createTranslate(
  getMessage: (key: string, substitutions?: string | string[]) => string,
): Translate {
  // An empty answer means a missing key: show the key so it is noticed, never an empty button.
  return (key, substitutions) => getMessage(key, substitutions) || key;
}

/** `$1`-style placeholders as messages.json defines them, for tests and previews. */
export function translateFromCatalogue(
  catalogue: Record<
    string,
    { message: string; placeholders?: Record<string, { content: string }> }
  >,
): Translate {
  return (key, substitutions) => {
    const entry = catalogue[key];
    if (!entry) return key;
    const values =
      substitutions === undefined
        ? []
        : Array.isArray(substitutions)
          ? substitutions
          : [substitutions];
    let text = entry.message;
    for (const [name, placeholder] of Object.entries(entry.placeholders ?? {})) {
      text = text
        .replaceAll(`$${name.toUpperCase()}$`, placeholder.content)
        .replaceAll(`$${name}$`, placeholder.content);
    }
    return text.replace(/\$(\d)/g, (_, index: string) => values[Number(index) - 1] ?? '');
  };
}
