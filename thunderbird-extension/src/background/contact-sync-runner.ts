import { ContactSyncEngine } from '@inbox-crm/shared/contacts';
import { ThunderbirdContactHost } from '../host/thunderbird-contact-host';
import { listDeviceConflicts } from './contact-conflicts';
import type { SyncRunContext, SyncRunResult } from './contact-sync';

// Binds the shared two-way ContactSyncEngine to the Thunderbird "CRM" address book. The engine
// keeps its state (cursor, bases, outbox, conflicts) in storage.local under a key per profile
// device id, so a restarted event page resumes where it stopped.

let engine: { clientId: string; scope: string; engine: ContactSyncEngine } | undefined;

export async function runContactSync(context: SyncRunContext): Promise<SyncRunResult> {
  if (!engine || engine.clientId !== context.clientId || engine.scope !== context.scope) {
    engine?.engine.stop();
    const instance = new ContactSyncEngine({
      host: new ThunderbirdContactHost(context.addressBook),
      transport: context.api,
      storage: context.store,
      storageKey: `contactSync.${context.clientId}`,
      hostKind: 'thunderbird',
      device: context.clientId,
      onProgress: (progress) => context.onProgress(progress.done, progress.total),
      onError: (error) =>
        console.warn('inbox-crm: contact change not recorded:', (error as Error).message),
    });
    instance.start();
    engine = { clientId: context.clientId, scope: context.scope, engine: instance };
  }
  const summary = await engine.engine.sync();
  const rejected = summary.rejected.length;
  if (rejected > 0) {
    // Rejected changes stay on the card; the status line names the first reason.
    console.warn(
      `inbox-crm: ${rejected} contact change(s) refused by the CRM: ${summary.rejected[0]!.message}`,
    );
  }
  return { conflicts: await openConflictCount(context, engine.engine), summary };
}

/** Open conflicts of this device as the CRM has them (resolved ones drop out); the engine's own
 * record of reported conflicts when the server cannot list them. */
async function openConflictCount(
  context: SyncRunContext,
  syncEngine: ContactSyncEngine,
): Promise<number> {
  try {
    return (await listDeviceConflicts(context.api, context.clientId)).length;
  } catch (error) {
    console.warn('inbox-crm: open conflicts could not be listed:', (error as Error).message);
    return (await syncEngine.conflicts()).length;
  }
}
