import {
  syncContactScalarFields,
  type SyncContact,
  type SyncContactField,
  type SyncFieldChange,
  type SyncFieldValue,
} from '@inbox-crm/shared/schemas';

/**
 * Three-way merge of one client change into the server's contact (`sync-and-mail.md` §9.3):
 * a field changed on one side only is taken from that side; changed on both sides to different
 * values keeps the server's value and reports the client's as a conflict — nothing is lost.
 * E-mail addresses merge value by value (additions on either side survive).
 */

/** Base values per field, when known (from the client's `base` or the server's snapshot). */
export type BaseValues = Partial<Record<SyncContactField, SyncFieldValue>>;

export interface FieldConflict {
  path: string;
  base?: SyncFieldValue;
  server?: SyncFieldValue;
  client?: SyncFieldValue;
}

export interface MergeResult {
  /** Fields to write on the server (only those that change). */
  patch: Partial<SyncContact>;
  conflicts: FieldConflict[];
}

const scalarFields = new Set<string>(syncContactScalarFields);

export function mergeContactChange(
  server: SyncContact,
  changes: Partial<Record<SyncContactField, SyncFieldChange>>,
  snapshotBase: BaseValues | undefined,
): MergeResult {
  const patch: Record<string, SyncFieldValue> = {};
  const conflicts: FieldConflict[] = [];
  for (const [field, change] of Object.entries(changes) as Array<
    [SyncContactField, SyncFieldChange]
  >) {
    const hasBase =
      change.base !== undefined || (snapshotBase !== undefined && field in snapshotBase);
    const base = change.base !== undefined ? change.base : snapshotBase?.[field];
    if (field === 'emails') {
      const merged = mergeEmailSet(
        server.emails,
        asList(change.value),
        hasBase ? asList(base ?? []) : undefined,
      );
      if (!sameList(merged, server.emails)) patch.emails = merged;
      continue;
    }
    if (!scalarFields.has(field)) continue;
    const serverValue = (server as Record<string, SyncFieldValue>)[field] ?? null;
    const clientValue = emptyToNull(change.value);
    if (sameScalar(clientValue, serverValue)) continue;
    if (hasBase && sameScalar(serverValue, emptyToNull(base ?? null))) {
      patch[field] = clientValue;
      continue;
    }
    if (hasBase && sameScalar(clientValue, emptyToNull(base ?? null))) continue; // only the server changed it
    conflicts.push({
      path: field,
      base: hasBase ? (base ?? null) : undefined,
      server: serverValue,
      client: clientValue,
    });
  }
  return { patch: patch as Partial<SyncContact>, conflicts };
}

/**
 * Set merge keyed by the lower-cased address: client additions are added, client removals are
 * applied when the server still has the address; without a base nothing is removed (union).
 */
export function mergeEmailSet(
  server: string[],
  client: string[],
  base: string[] | undefined,
): string[] {
  const key = (email: string): string => email.trim().toLowerCase();
  const result = new Map(server.map((email) => [key(email), email]));
  const clientKeys = new Set(client.map(key));
  if (base !== undefined) {
    const baseKeys = new Set(base.map(key));
    for (const removed of baseKeys) if (!clientKeys.has(removed)) result.delete(removed);
    for (const email of client)
      if (!baseKeys.has(key(email)) && !result.has(key(email)))
        result.set(key(email), email.trim());
  } else {
    for (const email of client) if (!result.has(key(email))) result.set(key(email), email.trim());
  }
  return [...result.values()];
}

/** True when the server's contact differs from the base snapshot in any synced field. */
export function changedSince(base: SyncContact, current: SyncContact): boolean {
  for (const field of syncContactScalarFields) {
    if (!sameScalar(emptyToNull(base[field]), emptyToNull(current[field]))) return true;
  }
  return !sameList(base.emails, current.emails);
}

function asList(value: SyncFieldValue | undefined): string[] {
  return Array.isArray(value) ? value : [];
}

function emptyToNull(value: SyncFieldValue | undefined): SyncFieldValue {
  if (value === undefined) return null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  return value;
}

function sameScalar(left: SyncFieldValue, right: SyncFieldValue): boolean {
  if (Array.isArray(left) || Array.isArray(right)) return false;
  return left === right;
}

function sameList(left: string[], right: string[]): boolean {
  const normalize = (list: string[]) =>
    list
      .map((item) => item.trim().toLowerCase())
      .sort()
      .join('\n');
  return normalize(left) === normalize(right);
}
