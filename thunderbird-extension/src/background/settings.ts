import type { KeyValueStore } from '../host/extension-storage';

// What the user set on the options page, kept in storage.local (survives restarts; the event
// page re-reads it on every wake-up).

export type ContactSyncScope = 'own' | 'opportunities' | 'team';

export interface EntraSignIn {
  kind: 'entra';
  /** `https://login.microsoftonline.com/<tenant>` as the CRM server published it. */
  authority: string;
  clientId: string;
  scope: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  account?: string;
}

export interface ApiTokenSignIn {
  kind: 'api-token';
  token: string;
}

export type SignIn = EntraSignIn | ApiTokenSignIn;

export interface SyncSettings {
  enabled: boolean;
  intervalMinutes: number;
  scope: ContactSyncScope;
}

export interface ExtensionSettings {
  serverUrl?: string;
  signIn?: SignIn;
  sync: SyncSettings;
}

export const defaultSyncSettings: SyncSettings = {
  enabled: true,
  intervalMinutes: 15,
  scope: 'own',
};
export const syncIntervalChoices = [5, 15, 30, 60] as const;

const settingsKey = 'settings';
const deviceIdKey = 'deviceId';

/** Sign-ins saved by 0.1 named the tenant instead of the authority the server publishes. */
function upgradeSignIn(signIn: SignIn | undefined): SignIn | undefined {
  if (signIn?.kind !== 'entra' || signIn.authority) return signIn;
  const { tenantId, ...rest } = signIn as EntraSignIn & { tenantId?: string };
  return tenantId
    ? { ...rest, authority: `https://login.microsoftonline.com/${tenantId}` }
    : signIn;
}

export async function loadSettings(store: KeyValueStore): Promise<ExtensionSettings> {
  const stored = await store.get<Partial<ExtensionSettings>>(settingsKey);
  const settings: ExtensionSettings = {
    ...stored,
    sync: { ...defaultSyncSettings, ...stored?.sync },
  };
  if (stored?.signIn) settings.signIn = upgradeSignIn(stored.signIn);
  return settings;
}

export async function updateSettings(
  store: KeyValueStore,
  change: (current: ExtensionSettings) => ExtensionSettings,
): Promise<ExtensionSettings> {
  return store.update<ExtensionSettings>(settingsKey, (current) =>
    change({ ...current, sync: { ...defaultSyncSettings, ...current?.sync } }),
  );
}

/**
 * A random id made on first run and kept with the profile: the server tells two profiles (or
 * two machines) of the same user apart by it, so their address books never overwrite each other's
 * sync state.
 */
export async function deviceId(
  store: KeyValueStore,
  randomId: () => string = () => crypto.randomUUID(),
): Promise<string> {
  return store.update<string>(deviceIdKey, (current) => current ?? `tb-${randomId()}`);
}
