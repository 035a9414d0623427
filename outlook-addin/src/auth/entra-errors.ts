import type { MessageKey } from '../taskpane/i18n';

/**
 * The sign-in failures users actually meet, mapped to a message they can act on. Codes come from
 * MSAL (`errorCode`), from Entra (`AADSTS…` inside the message) and from the Office dialog (12xxx).
 */
const entraCodes: [RegExp, MessageKey][] = [
  [/AADSTS50105/, 'authErrorNotAssigned'],
  [/AADSTS65001|consent_required/, 'authErrorConsent'],
  [/AADSTS53003|AADSTS530\d\d/, 'authErrorConditionalAccess'],
  [/AADSTS50076|AADSTS50079|AADSTS50158/, 'authErrorMfa'],
  [/AADSTS700016/, 'authErrorAppNotFound'],
  [/AADSTS50020|AADSTS90072/, 'authErrorWrongTenant'],
  [/AADSTS50011|AADSTS500113/, 'authErrorRedirect'],
  [/AADSTS50058|login_required|interaction_required/, 'authErrorInteraction'],
];

export interface AuthFailure {
  key: MessageKey;
  /** The provider's code, shown small so an admin can look it up. */
  code: string | null;
}

export function describeAuthError(error: unknown): AuthFailure {
  const record = (error ?? {}) as { errorCode?: unknown; code?: unknown; message?: unknown };
  const errorCode = typeof record.errorCode === 'string' ? record.errorCode : null;
  const officeCode = typeof record.code === 'number' ? record.code : null;
  const text = `${errorCode ?? ''} ${typeof record.message === 'string' ? record.message : ''}`;
  const aadsts = /AADSTS\d+/.exec(text)?.[0] ?? null;
  // MSAL says `user_cancelled` for its own pop-up, `user_canceled` for the NAA broker's.
  if (officeCode === 12006 || errorCode === 'user_cancelled' || errorCode === 'user_canceled') {
    return { key: 'authErrorCancelled', code: errorCode ?? String(officeCode) };
  }
  if (
    officeCode === 12009 ||
    errorCode === 'popup_window_error' ||
    errorCode === 'empty_window_error'
  ) {
    return { key: 'authErrorPopupBlocked', code: errorCode ?? String(officeCode) };
  }
  if (officeCode === 12004 || officeCode === 12005) {
    return { key: 'authErrorDialogDomain', code: String(officeCode) };
  }
  if (errorCode === 'no_network_connectivity' || errorCode === 'network_error') {
    return { key: 'authErrorNetwork', code: errorCode };
  }
  for (const [pattern, key] of entraCodes) {
    if (pattern.test(text)) return { key, code: aadsts ?? errorCode };
  }
  return {
    key: 'authErrorUnknown',
    code: aadsts ?? errorCode ?? (officeCode ? String(officeCode) : null),
  };
}
