import { describeAuthError } from './entra-errors';

describe('describeAuthError', () => {
  test.each([
    [
      {
        errorCode: 'invalid_grant',
        message: 'AADSTS50105: The signed in user is not assigned to a role',
      },
      'authErrorNotAssigned',
      'AADSTS50105',
    ],
    [
      {
        errorCode: 'consent_required',
        message: 'AADSTS65001: The user or administrator has not consented',
      },
      'authErrorConsent',
      'AADSTS65001',
    ],
    [
      {
        errorCode: 'access_denied',
        message: 'AADSTS53003: Access has been blocked by Conditional Access policies',
      },
      'authErrorConditionalAccess',
      'AADSTS53003',
    ],
    [
      { errorCode: 'interaction_required', message: 'AADSTS50076: multi-factor authentication' },
      'authErrorMfa',
      'AADSTS50076',
    ],
    [
      {
        errorCode: 'unauthorized_client',
        message: 'AADSTS700016: Application not found in the directory',
      },
      'authErrorAppNotFound',
      'AADSTS700016',
    ],
    [
      { errorCode: 'invalid_request', message: 'AADSTS50011: The redirect URI does not match' },
      'authErrorRedirect',
      'AADSTS50011',
    ],
    [
      { errorCode: 'user_cancelled', message: 'User cancelled the flow' },
      'authErrorCancelled',
      'user_cancelled',
    ],
    [
      // The NAA broker's cancel (ClientAuthError), spelled differently from MSAL's own pop-up.
      { errorCode: 'user_canceled', message: 'User cancelled the flow' },
      'authErrorCancelled',
      'user_canceled',
    ],
    [
      { errorCode: 'popup_window_error', message: 'Error opening popup window' },
      'authErrorPopupBlocked',
      'popup_window_error',
    ],
    [{ code: 12006, message: 'Dialog closed' }, 'authErrorCancelled', '12006'],
    [{ code: 12004, message: 'Domain not trusted' }, 'authErrorDialogDomain', '12004'],
    [
      { errorCode: 'no_network_connectivity', message: 'offline' },
      'authErrorNetwork',
      'no_network_connectivity',
    ],
    [new Error('something odd'), 'authErrorUnknown', null],
  ])('%j → %s', (error, key, code) => {
    expect(describeAuthError(error)).toEqual({ key, code });
  });
});
