/** Message the sign-in dialog page sends back with `Office.context.ui.messageParent`. */
export type DialogSignInMessage =
  | { type: 'token'; accessToken: string }
  | { type: 'error'; errorCode: string | null; message: string };

export function parseDialogMessage(raw: string): DialogSignInMessage {
  const value = JSON.parse(raw) as Partial<DialogSignInMessage>;
  if (value.type === 'token' && typeof value.accessToken === 'string') {
    return { type: 'token', accessToken: value.accessToken };
  }
  if (value.type === 'error') {
    return {
      type: 'error',
      errorCode: typeof value.errorCode === 'string' ? value.errorCode : null,
      message: typeof value.message === 'string' ? value.message : '',
    };
  }
  throw new Error('The sign-in window sent an unexpected message');
}

/**
 * Fallback when Outlook has no nested app authentication: an Office dialog (never
 * `displayInIframe`, Entra refuses to be framed) runs MSAL's redirect flow on our origin and posts
 * the access token back.
 */
export function signInWithDialog(dialogUrl: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    Office.context.ui.displayDialogAsync(dialogUrl, { height: 60, width: 30 }, (opened) => {
      if (String(opened.status) !== 'succeeded') {
        reject(Object.assign(new Error(opened.error.message), { code: opened.error.code }));
        return;
      }
      const dialog = opened.value;
      dialog.addEventHandler('dialogMessageReceived' as unknown as Office.EventType, (event) => {
        dialog.close();
        try {
          const message = parseDialogMessage((event as { message: string }).message);
          if (message.type === 'token') resolve(message.accessToken);
          else reject(Object.assign(new Error(message.message), { errorCode: message.errorCode }));
        } catch (error) {
          reject(error);
        }
      });
      dialog.addEventHandler('dialogEventReceived' as unknown as Office.EventType, (event) => {
        // 12006: the user closed the dialog; other codes are reported as they are.
        reject(
          Object.assign(new Error('Sign-in window closed'), {
            code: (event as { error: number }).error,
          }),
        );
      });
    });
  });
}
