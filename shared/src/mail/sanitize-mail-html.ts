import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';
import {
  mailHtmlAllowedTags,
  mailHtmlAttributesByTag,
  mailHtmlGlobalAttributes,
} from './mail-html-policy';

/** Options of the mail HTML policy (sync-and-mail.md §5.3). */
export interface SanitizeMailHtmlOptions {
  /** The window whose DOM parses the HTML; defaults to the global one (browsers, add-ins). */
  window?: Window & typeof globalThis;
  /** After the user pressed "Show images": keep remote `https?:` image sources. */
  allowRemoteImages?: boolean;
  /** URL of an inline part for `cid:` images (e.g. `/api/v1/attachments/by-cid/<cid>`); absent = drop them. */
  cidUrl?: (contentId: string) => string | undefined;
}

const ALL_ATTRIBUTES = [
  ...new Set([...mailHtmlGlobalAttributes, ...Object.values(mailHtmlAttributesByTag).flat()]),
];
const SAFE_STYLE_PROPERTY =
  /^(?:color|background-color|font(?:-[a-z]+)?|text-[a-z-]+|letter-spacing|line-height|margin(?:-[a-z]+)?|padding(?:-[a-z]+)?|border(?:-[a-z]+)*|(?:min-|max-)?(?:width|height)|vertical-align|white-space)$/;
// Keeps the default's scheme-less tail, otherwise DOMPurify strips `border="0"` and the like (§5.3 trap).
const ALLOWED_URI_REGEXP =
  /^(?:(?:https?|mailto|tel|cid):|data:image\/(?:png|jpe?g|gif|webp);base64,|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;
const SAFE_HREF = /^(?:https?:|mailto:|tel:)/i;
const INLINE_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp);base64,/i;
const REMOTE_IMAGE = /^https?:/i;

/** Only the declarations of the policy, and none whose value could load or run anything. */
export function filterInlineStyle(style: string): string {
  return style
    .split(';')
    .map((declaration) => declaration.trim())
    .filter((declaration) => {
      const colon = declaration.indexOf(':');
      if (colon <= 0) return false;
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1);
      return (
        SAFE_STYLE_PROPERTY.test(property) &&
        !/[(\\:]/.test(value) &&
        !/expression|url/i.test(value)
      );
    })
    .join('; ');
}

/**
 * Sanitize mail HTML with DOMPurify under the mail policy: a DocumentFragment ready for
 * `element.replaceChildren(fragment)` (never `innerHTML`). Remote images are moved to
 * `data-blocked-src` unless allowed; `cid:` images point at the archived inline part.
 */
export function sanitizeMailHtml(
  html: string,
  options: SanitizeMailHtmlOptions = {},
): DocumentFragment {
  return createMailPurifier(options).sanitize(html, { ...mailPolicy, RETURN_DOM_FRAGMENT: true });
}

/** The same policy, as a string (for the server-free previews and tests). */
export function sanitizeMailHtmlToString(
  html: string,
  options: SanitizeMailHtmlOptions = {},
): string {
  return createMailPurifier(options).sanitize(html, mailPolicy);
}

const mailPolicy: Config = {
  ALLOWED_TAGS: [...mailHtmlAllowedTags],
  ALLOWED_ATTR: ALL_ATTRIBUTES,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOWED_URI_REGEXP,
  KEEP_CONTENT: true,
  WHOLE_DOCUMENT: false,
};

function createMailPurifier(options: SanitizeMailHtmlOptions): DOMPurify {
  const view = options.window ?? (globalThis as { window?: Window & typeof globalThis }).window;
  if (!view)
    throw new Error('sanitizeMailHtml needs a DOM window (pass options.window outside browsers)');
  const purifier = createDOMPurify(view);
  const blockedSources = new WeakMap<Element, string>();
  purifier.addHook('uponSanitizeAttribute', (node, data) => {
    const tag = node.nodeName.toLowerCase();
    const name = data.attrName;
    if (
      !mailHtmlGlobalAttributes.includes(name) &&
      !(mailHtmlAttributesByTag[tag] ?? []).includes(name)
    ) {
      data.keepAttr = false;
      return;
    }
    const value = data.attrValue.trim();
    if (name === 'style') {
      data.attrValue = filterInlineStyle(value);
      if (!data.attrValue) data.keepAttr = false;
    } else if (name === 'href') {
      if (!SAFE_HREF.test(value)) data.keepAttr = false;
    } else if (tag === 'img' && name === 'src') {
      if (/^cid:/i.test(value)) {
        const url = options.cidUrl?.(decodeURIComponent(value.slice(4)));
        if (url) data.attrValue = url;
        else data.keepAttr = false;
      } else if (REMOTE_IMAGE.test(value)) {
        if (!options.allowRemoteImages) {
          blockedSources.set(node, value);
          data.keepAttr = false;
        }
      } else if (!INLINE_IMAGE.test(value)) {
        data.keepAttr = false;
      }
    }
  });
  purifier.addHook('afterSanitizeAttributes', (node) => {
    const blocked = blockedSources.get(node);
    if (blocked) node.setAttribute('data-blocked-src', blocked);
    if (node.nodeName.toLowerCase() === 'a' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  return purifier;
}
