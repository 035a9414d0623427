/**
 * What the current Outlook can do beyond the manifest minimum (Mailbox 1.5). Every API above 1.5
 * is called only behind one of these flags; the pane explains what is missing when one is off.
 */
export interface HostCapabilities {
  /** Mailbox 1.8: attachment content and internet headers of the open item. */
  attachmentContent: boolean;
  /** Mailbox 1.13: several selected mails (`getSelectedItemsAsync`, `SelectedItemsChanged`). */
  multiSelect: boolean;
  /** Mailbox 1.14: the whole message as `.eml` (`getAsFileAsync`). */
  emlFile: boolean;
  /** Mailbox 1.15: read a selected mail that is not the open one (`loadItemByIdAsync`). */
  loadItemById: boolean;
  /** NestedAppAuth 1.1: MSAL nested app authentication (sign-in without a popup window). */
  nestedAppAuth: boolean;
  /** DialogApi 1.1: the Office dialog used as the sign-in fallback. */
  dialogApi: boolean;
  /**
   * OpenBrowserWindowApi 1.1: `Office.context.ui.openBrowserWindow`, which opens the user's
   * browser from desktop Outlook (a plain link may open in Outlook's own web view, or nowhere).
   */
  openBrowserWindow: boolean;
}

export interface RequirementChecker {
  isSetSupported(name: string, minVersion?: string): boolean;
}

/**
 * Compares requirement-set versions part by part: `1.13` is newer than `1.5`, which a float
 * comparison gets wrong.
 */
export function compareVersions(left: string, right: string): number {
  const leftParts = left.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const rightParts = right.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const length = Math.max(leftParts.length, rightParts.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (leftParts[index] ?? 0) - (rightParts[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

export const noCapabilities: HostCapabilities = {
  attachmentContent: false,
  multiSelect: false,
  emlFile: false,
  loadItemById: false,
  nestedAppAuth: false,
  dialogApi: false,
  openBrowserWindow: false,
};

export function detectCapabilities(requirements: RequirementChecker | undefined): HostCapabilities {
  if (!requirements) return noCapabilities;
  const supports = (name: string, version: string): boolean => {
    try {
      return requirements.isSetSupported(name, version) === true;
    } catch {
      // Some hosts throw for sets they have never heard of: that means "not supported".
      return false;
    }
  };
  return {
    attachmentContent: supports('Mailbox', '1.8'),
    multiSelect: supports('Mailbox', '1.13'),
    emlFile: supports('Mailbox', '1.14'),
    loadItemById: supports('Mailbox', '1.15'),
    nestedAppAuth: supports('NestedAppAuth', '1.1'),
    dialogApi: supports('DialogApi', '1.1'),
    openBrowserWindow: supports('OpenBrowserWindowApi', '1.1'),
  };
}
