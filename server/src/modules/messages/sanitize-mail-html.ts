import sanitizeHtml from 'sanitize-html';
import {
  mailHtmlAllowedTags,
  mailHtmlAttributesByTag,
  mailHtmlGlobalAttributes,
} from '@inbox-crm/shared/mail';

/**
 * The one mail HTML policy (sync-and-mail.md §5.3), applied when chatter is stored. The console
 * sanitizes again when rendering, so a stricter policy later also covers old messages.
 */
export interface SanitizeMailHtmlOptions {
  /** Content-ID (no angle brackets, any case) → URL of the stored attachment, for `cid:` images. */
  resolveContentId?: (contentId: string) => string | undefined;
  /** Keep remote `http(s)` images (the user pressed "Show images"); default: blocked. */
  allowRemoteImages?: boolean;
}

// Removed together with their content; any other unknown tag is unwrapped (its text kept).
const droppedWithContent = [
  'script',
  'style',
  'template',
  'noscript',
  'xmp',
  'textarea',
  'title',
  'head',
  'iframe',
  'object',
  'svg',
  'math',
  'select',
  'option',
];

// A declaration value without `(`, `\` or `:` cannot carry url(), expression() or escapes.
const safeCssValue = [/^[^(\\:]*$/];
const allowedStyleProperties = [
  'color',
  'background-color',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'font-variant',
  'text-align',
  'text-decoration',
  'text-indent',
  'text-transform',
  'line-height',
  'letter-spacing',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-style',
  'border-width',
  'border-collapse',
  'border-spacing',
  'width',
  'height',
  'min-width',
  'max-width',
  'vertical-align',
  'white-space',
];
const allowedStyles = Object.fromEntries(
  allowedStyleProperties.map((property) => [property, safeCssValue]),
);

const safeLinkUrl = /^(?:https?:\/\/|mailto:|tel:)/i;
const inlineImageUrl = /^data:image\/(?:png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i;
const remoteImageUrl = /^https?:\/\//i;
const contentIdUrl = /^cid:/i;

/** Browsers ignore tabs, newlines and leading control characters in URLs: so do we before testing. */
function normalizeUrl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
}

export function sanitizeMailHtml(html: string, options: SanitizeMailHtmlOptions = {}): string {
  return sanitizeHtml(html, {
    allowedTags: [...mailHtmlAllowedTags],
    nonTextTags: droppedWithContent,
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      ...mailHtmlAttributesByTag,
      // Written by the transforms below: links open outside, blocked images keep their source.
      a: [...(mailHtmlAttributesByTag.a ?? []), 'target', 'rel'],
      img: [...(mailHtmlAttributesByTag.img ?? []), 'data-blocked-src'],
      '*': [...mailHtmlGlobalAttributes],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['data', 'http', 'https'] },
    allowProtocolRelative: false,
    allowedStyles: { '*': allowedStyles },
    transformTags: {
      a: (tagName, attribs) => {
        const { href, ...rest } = attribs;
        const url = href === undefined ? '' : normalizeUrl(href);
        // Relative links would resolve against our own origin: mail HTML keeps absolute ones only.
        if (!safeLinkUrl.test(url)) return { tagName, attribs: rest };
        return {
          tagName,
          attribs: { ...rest, href: url, target: '_blank', rel: 'noopener noreferrer nofollow' },
        };
      },
      img: (tagName, attribs) => {
        const { src, 'data-blocked-src': blocked, ...rest } = attribs;
        // A stored body keeps blocked images in data-blocked-src: re-sanitizing may unblock them.
        const url = normalizeUrl(src ?? blocked ?? '');
        if (contentIdUrl.test(url)) {
          const target = options.resolveContentId?.(decodeContentId(url.slice(4)));
          return { tagName, attribs: target ? { ...rest, src: target } : rest };
        }
        if (inlineImageUrl.test(url)) return { tagName, attribs: { ...rest, src: url } };
        if (remoteImageUrl.test(url)) {
          // Remote images are trackers until the user asks for them.
          return options.allowRemoteImages
            ? { tagName, attribs: { ...rest, src: url } }
            : { tagName, attribs: { ...rest, 'data-blocked-src': url } };
        }
        return { tagName, attribs: rest };
      },
    },
  });
}

function decodeContentId(value: string): string {
  try {
    return decodeURIComponent(value).toLowerCase();
  } catch {
    // A malformed %-escape is just part of the id.
    return value.toLowerCase();
  }
}

/** Normalized Content-ID key: no angle brackets, lowercase. */
export function normalizeContentId(contentId: string): string {
  return contentId.trim().replace(/^<|>$/g, '').toLowerCase();
}
