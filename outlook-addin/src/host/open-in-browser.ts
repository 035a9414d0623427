/**
 * Opens a CRM page in the user's browser. Desktop Outlook may open a plain `target=_blank` link in
 * its own web view (or not at all); `Office.context.ui.openBrowserWindow` (OpenBrowserWindowApi
 * 1.1) hands it to the browser. Returns false when the host lacks it: the link then opens itself.
 */
export function openInBrowser(url: string, supported: boolean): boolean {
  if (!supported || typeof Office === 'undefined') return false;
  const ui = Office.context?.ui as { openBrowserWindow?: (url: string) => void } | undefined;
  if (typeof ui?.openBrowserWindow !== 'function') return false;
  ui.openBrowserWindow(url);
  return true;
}
