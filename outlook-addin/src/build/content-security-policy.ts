/**
 * The Content-Security-Policy the server should send with the task pane (`/addins/outlook/`):
 * office.js and the host files it loads come from Microsoft's CDN (plus MicrosoftAjax from
 * aspnetcdn, outlook.md §9.6), Entra sign-in from login.microsoftonline.com, and Outlook on the
 * web frames the pane, so `frame-ancestors` must allow Outlook's origins. Not yet checked against
 * a real Outlook client (outlook.md §10): a violation report there means this list is short.
 * No 'unsafe-eval': zod runs jitless in the pane (main.tsx). The telemetry frame office.js opens
 * in plain mode stays blocked by `frame-src`, harmlessly.
 */
export const taskPaneContentSecurityPolicy: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", 'https://appsforoffice.microsoft.com', 'https://ajax.aspnetcdn.com'],
  'style-src': ["'self'"],
  // office.js hides its telemetry iframe with a style attribute; attributes cannot run script.
  'style-src-attr': ["'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'https://login.microsoftonline.com'],
  'frame-src': ["'self'", 'https://login.microsoftonline.com'],
  'frame-ancestors': [
    "'self'",
    'https://outlook.office.com',
    'https://outlook.office365.com',
    'https://outlook.live.com',
    'https://outlook.cloud.microsoft',
    'https://*.officeapps.live.com',
  ],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
};

export function contentSecurityPolicyHeader(
  policy: Record<string, string[]> = taskPaneContentSecurityPolicy,
): string {
  return Object.entries(policy)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}
