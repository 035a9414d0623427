import { Types } from 'mongoose';
import { normalizeEmail, normalizeName } from '../partners/contact-normalization';
import { PartnerModel, type PartnerRecord } from '../partners/partner.model';
import { recordContactChanges } from './contact-change-log';

export interface SeedSyncContactsOptions {
  count: number;
  /** The user who "created" them: the contacts land in that user's synced address book. */
  createdBy: string;
  namePrefix?: string;
  /** Inserted per round trip. */
  chunkSize?: number;
}

/**
 * Inserts `count` plain person contacts with their derived fields and change-log entries, in
 * bulk (benchmarks and demos: thousands of contacts in seconds instead of one transaction each).
 * Returns their ids in creation order.
 */
export async function seedSyncContacts(options: SeedSyncContactsOptions): Promise<string[]> {
  const prefix = options.namePrefix ?? 'Seeded Contact';
  const chunkSize = options.chunkSize ?? 1000;
  const createdBy = new Types.ObjectId(options.createdBy);
  const ids: string[] = [];
  for (let start = 0; start < options.count; start += chunkSize) {
    const documents: Array<Partial<PartnerRecord>> = [];
    for (let index = start; index < Math.min(options.count, start + chunkSize); index += 1) {
      const _id = new Types.ObjectId();
      const name = `${prefix} ${index + 1}`;
      const email = `contact${index + 1}.${_id.toHexString().slice(-6)}@seed.example.com`;
      const normalized = normalizeEmail(email)!;
      documents.push({
        _id,
        name,
        nameNormalized: normalizeName(name),
        isCompany: false,
        commercialPartnerId: _id,
        email,
        emailNormalized: normalized,
        emails: [{ email, normalized, primary: true }],
        city: 'Leeds',
        countryCode: 'GB',
        createdBy,
        updatedBy: createdBy,
      });
    }
    await PartnerModel.insertMany(documents, { ordered: true });
    await recordContactChanges(documents as Array<PartnerRecord>);
    ids.push(...documents.map((document) => String(document._id)));
  }
  return ids;
}
