/** A failed Office.js call, with the host's error code kept for the message shown to the user. */
export class OutlookHostError extends Error {
  readonly operation: string;
  readonly hostCode: number | undefined;
  readonly hostErrorName: string | undefined;

  constructor(operation: string, error: Office.Error | undefined) {
    super(`${operation} failed${error?.message ? `: ${error.message}` : ''}`);
    this.name = 'OutlookHostError';
    this.operation = operation;
    this.hostCode = error?.code;
    this.hostErrorName = error?.name;
  }
}

type AsyncResultCallback<Value> = (result: Office.AsyncResult<Value>) => void;

/**
 * Turns an Office callback API into a promise and checks `status` — an Office result is never
 * used without looking at it first.
 */
export function callOffice<Value>(
  operation: string,
  invoke: (callback: AsyncResultCallback<Value>) => void,
): Promise<Value> {
  return new Promise<Value>((resolve, reject) => {
    try {
      invoke((result) => {
        // Compared as a string: the enum object only exists once a host file has loaded.
        if (String(result.status) === 'succeeded') resolve(result.value);
        else reject(new OutlookHostError(operation, result.error));
      });
    } catch (error) {
      reject(error instanceof Error ? error : new OutlookHostError(operation, undefined));
    }
  });
}
