import type { SyncRunContext, SyncRunResult } from './contact-sync';

// Binds the shared two-way ContactSyncEngine to the Thunderbird address book.
export async function runContactSync(_context: SyncRunContext): Promise<SyncRunResult> {
  throw new Error('Contact sync is not available yet: the shared sync engine is missing from this build.');
}
