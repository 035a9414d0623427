import { callOffice } from '../host/office-async';

/** Personal API tokens look like `icrm_` + 49 base62 characters (identity.md §8). */
export const apiTokenPattern = /^icrm_[0-9A-Za-z]{49}$/;

const settingName = 'inboxCrmApiToken';

export interface RoamingSettings {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  remove(name: string): void;
  saveAsync(callback?: (result: Office.AsyncResult<void>) => void): void;
}

/**
 * The personal token lives in Outlook's roaming settings: stored in the user's mailbox, private
 * to this add-in and the same on every device — not in the browser's localStorage.
 */
export class ApiTokenStore {
  constructor(private readonly settings: RoamingSettings | undefined) {}

  read(): string | null {
    const value = this.settings?.get(settingName);
    return typeof value === 'string' && apiTokenPattern.test(value) ? value : null;
  }

  async save(token: string): Promise<void> {
    if (!this.settings) return;
    this.settings.set(settingName, token);
    await callOffice<void>('Saving the API token', (callback) =>
      this.settings!.saveAsync(callback),
    );
  }

  async clear(): Promise<void> {
    if (!this.settings) return;
    this.settings.remove(settingName);
    await callOffice<void>('Forgetting the API token', (callback) =>
      this.settings!.saveAsync(callback),
    );
  }
}
