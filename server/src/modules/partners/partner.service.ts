import { Types, type ClientSession, type QueryFilter } from 'mongoose';
import type {
  CreatePartnerBody,
  ListPartnersQuery,
  ListResponse,
  Partner,
  UpdatePartnerBody,
} from '@inbox-crm/shared/schemas';
import { NotFoundError, ValidationError, type FieldIssue } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { recordContactChange } from '../contact-sync/contact-change-log';
import { sanitizeMailHtml } from '../messages/sanitize-mail-html';
import { TagModel } from '../tags/tag.model';
import { TeamModel } from '../teams/team.model';
import { UserModel } from '../users/user.model';
import {
  cleanWebsite,
  companyNameFromDomain,
  domainOfNormalizedEmail,
  domainOfWebsite,
  domainToAscii,
  escapeRegex,
  isFreeMailDomain,
  normalizeEmail,
  normalizeName,
  sanitizePhone,
} from './contact-normalization';
import {
  PartnerModel,
  type PartnerEmail,
  type PartnerPhone,
  type PartnerRecord,
} from './partner.model';
import { runInTransaction } from './run-in-transaction';

export { normalizeEmail } from './contact-normalization';

export interface WriteOptions {
  session?: ClientSession;
}

/** What services and routes pass in: the API body, with `syncedAt` as a Date or ISO string. */
export type CreatePartnerInput = CreatePartnerBody;
export type UpdatePartnerInput = UpdatePartnerBody;

const addressFields = ['street', 'street2', 'zip', 'city', 'stateCode', 'countryCode'] as const;
/** Commercial fields live on the commercial partner and are copied to its persons (Odoo). */
const commercialFields = ['vat'] as const;

// ---------------------------------------------------------------------------------------------
// Reads

export async function getPartner(
  _actor: Actor,
  id: string,
  options: WriteOptions = {},
): Promise<Partner> {
  const record = await PartnerModel.findById(toObjectId(id))
    .session(options.session ?? null)
    .lean();
  if (!record) throw new NotFoundError('Partner');
  const [dto] = await toPartnerDtos([record], options.session);
  return dto as Partner;
}

/** The partner holding this address (primary or extra), active ones first, oldest first. */
export async function findPartnerByEmail(
  email: string,
  options: WriteOptions & { includeArchived?: boolean } = {},
): Promise<PartnerRecord | null> {
  const normalized = normalizeEmail(email);
  if (!normalized) return null;
  const filter: QueryFilter<PartnerRecord> = {
    $or: [{ emailNormalized: normalized }, { 'emails.normalized': normalized }],
  };
  if (!options.includeArchived) filter.active = true;
  const candidates = await PartnerModel.find(filter)
    .sort({ active: -1, _id: 1 })
    .limit(20)
    .session(options.session ?? null)
    .lean();
  // The primary address beats an extra one.
  return (
    candidates.find((partner) => partner.emailNormalized === normalized) ?? candidates[0] ?? null
  );
}

export async function listPartners(
  _actor: Actor,
  query: ListPartnersQuery,
): Promise<ListResponse<Partner>> {
  const conditions: QueryFilter<PartnerRecord>[] = [];
  if (!query.includeArchived) conditions.push({ active: true });
  if (query.isCompany !== undefined) conditions.push({ isCompany: query.isCompany });
  if (query.parentId) conditions.push({ parentId: toObjectId(query.parentId) });
  if (query.commercialPartnerId)
    conditions.push({ commercialPartnerId: toObjectId(query.commercialPartnerId) });
  if (query.tagId) conditions.push({ tagIds: toObjectId(query.tagId) });
  if (query.userId) conditions.push({ userId: toObjectId(query.userId) });
  if (query.email !== undefined) {
    const normalized = normalizeEmail(query.email);
    if (!normalized)
      throw new ValidationError([
        { field: 'query.email', message: 'is not a valid e-mail address' },
      ]);
    conditions.push({
      $or: [{ emailNormalized: normalized }, { 'emails.normalized': normalized }],
    });
  }
  if (query.search) {
    const namePrefix = new RegExp(`^${escapeRegex(normalizeName(query.search))}`);
    const emailPrefix = new RegExp(`^${escapeRegex(query.search.trim().toLowerCase())}`);
    conditions.push({
      $or: [
        { nameNormalized: namePrefix },
        { emailNormalized: emailPrefix },
        { 'emails.normalized': emailPrefix },
      ],
    });
  }
  const filter: QueryFilter<PartnerRecord> = conditions.length > 0 ? { $and: conditions } : {};
  const sortField = query.sort.replace(/^-/, '');
  const direction = query.sort.startsWith('-') ? -1 : 1;
  const sortKey = sortField === 'name' ? 'nameNormalized' : sortField;
  const [records, total] = await Promise.all([
    PartnerModel.find(filter)
      .sort({ [sortKey]: direction, _id: direction })
      .skip(query.offset)
      .limit(query.limit)
      .lean(),
    PartnerModel.countDocuments(filter),
  ]);
  return { items: await toPartnerDtos(records), total, limit: query.limit, offset: query.offset };
}

// ---------------------------------------------------------------------------------------------
// Writes: each one records a contact change in the same transaction (address-book sync).

export async function createPartner(
  actor: Actor,
  input: CreatePartnerInput,
  options: WriteOptions = {},
): Promise<PartnerRecord> {
  return runInTransaction(options.session, async (session) => {
    const parent = input.parentId
      ? await loadParent(new Types.ObjectId(input.parentId), undefined, session)
      : null;
    const values = await buildPartnerValues(
      undefined,
      input,
      session,
      inheritedCountry(parent, input.addressType ?? 'contact'),
    );
    const actorId = new Types.ObjectId(actor.userId);
    const _id = new Types.ObjectId();
    const document: Partial<PartnerRecord> = {
      ...values,
      _id,
      commercialPartnerId: commercialPartnerIdFor(_id, values.isCompany ?? false, parent),
      createdBy: actorId,
      updatedBy: actorId,
    };
    if (parent) inheritFromCompany(document, parent);
    const [created] = await PartnerModel.create([document], { session });
    if (!created) throw new Error('partner insert returned nothing');
    await recordContactChange({ partnerId: created._id }, { session });
    if (parent)
      await shareAddressWithAddresslessCompany(parent, created.toObject(), actorId, session);
    return created.toObject();
  });
}

export async function updatePartner(
  actor: Actor,
  id: string,
  input: UpdatePartnerInput,
  options: WriteOptions = {},
): Promise<PartnerRecord> {
  return runInTransaction(options.session, async (session) => {
    const existing = await PartnerModel.findById(toObjectId(id)).session(session).lean();
    if (!existing) throw new NotFoundError('Partner');
    const parentId =
      input.parentId !== undefined
        ? input.parentId
          ? new Types.ObjectId(input.parentId)
          : null
        : existing.parentId;
    const parent = parentId ? await loadParent(parentId, existing._id, session) : null;
    const parentChanging =
      input.parentId !== undefined && String(parentId) !== String(existing.parentId);
    const values = await buildPartnerValues(
      existing,
      input,
      session,
      parentChanging
        ? inheritedCountry(parent, input.addressType ?? existing.addressType)
        : undefined,
    );
    const isCompany = values.isCompany ?? existing.isCompany;
    const changes: Partial<PartnerRecord> = {
      ...values,
      commercialPartnerId: commercialPartnerIdFor(existing._id, isCompany, parent),
      updatedBy: new Types.ObjectId(actor.userId),
    };
    const parentChanged =
      values.parentId !== undefined && String(values.parentId) !== String(existing.parentId);
    if (parent && parentChanged)
      inheritFromCompany(changes, parent, values.addressType ?? existing.addressType);
    const updated = await PartnerModel.findOneAndUpdate(
      { _id: existing._id },
      { $set: changes },
      { returnDocument: 'after', session, runValidators: true },
    ).lean();
    if (!updated) throw new NotFoundError('Partner');
    await recordContactChange({ partnerId: updated._id }, { session });
    await propagateToChildren(existing, updated, session);
    return updated;
  });
}

/** Archives (Odoo's `active = false`): the partner leaves lists and every synced address book. */
export async function archivePartner(
  actor: Actor,
  id: string,
  options: WriteOptions = {},
): Promise<PartnerRecord> {
  return runInTransaction(options.session, async (session) => {
    const updated = await PartnerModel.findOneAndUpdate(
      { _id: toObjectId(id) },
      { $set: { active: false, updatedBy: new Types.ObjectId(actor.userId) } },
      { returnDocument: 'after', session },
    ).lean();
    if (!updated) throw new NotFoundError('Partner');
    await recordContactChange({ partnerId: updated._id, deleted: true }, { session });
    return updated;
  });
}

export async function restorePartner(
  actor: Actor,
  id: string,
  options: WriteOptions = {},
): Promise<PartnerRecord> {
  return runInTransaction(options.session, async (session) => {
    const updated = await PartnerModel.findOneAndUpdate(
      { _id: toObjectId(id) },
      { $set: { active: true, updatedBy: new Types.ObjectId(actor.userId) } },
      { returnDocument: 'after', session },
    ).lean();
    if (!updated) throw new NotFoundError('Partner');
    await recordContactChange({ partnerId: updated._id }, { session });
    return updated;
  });
}

/**
 * The company partner of a mail domain (`acme.ro` or `someone@acme.ro`): found by its derived
 * domain (website or e-mail of the company), else created named after the domain. `null` for
 * free-mail providers: Gmail users are not one company.
 */
export async function findOrCreateCompanyForDomain(
  actor: Actor,
  domainOrEmail: string,
  options: WriteOptions & { name?: string; create?: boolean } = {},
): Promise<PartnerRecord | null> {
  const domain = domainOrEmail.includes('@')
    ? domainOfNormalizedEmail(normalizeEmail(domainOrEmail))
    : domainToAscii(domainOrEmail.replace(/^www\./i, ''));
  if (!domain || !domain.includes('.') || isFreeMailDomain(domain)) return null;
  const existing = await PartnerModel.findOne({ domain, isCompany: true })
    .sort({ active: -1, _id: 1 })
    .session(options.session ?? null)
    .lean();
  if (existing || options.create === false) return existing;
  return createPartner(
    actor,
    {
      name: options.name?.trim() || companyNameFromDomain(domain),
      isCompany: true,
      website: `https://${domain}`,
    },
    options,
  );
}

// ---------------------------------------------------------------------------------------------
// Derived fields and relations

type PartnerValues = Partial<
  Omit<PartnerRecord, '_id' | 'createdAt' | 'updatedAt' | 'commercialPartnerId'>
>;

/** The country a contact takes from its company (with the address), for phone numbers. */
function inheritedCountry(
  parent: PartnerRecord | null,
  addressType: PartnerRecord['addressType'],
): string | undefined {
  return parent && addressType === 'contact' && hasAddress(parent) ? parent.countryCode : undefined;
}

async function buildPartnerValues(
  existing: PartnerRecord | undefined,
  input: CreatePartnerInput | UpdatePartnerInput,
  session: ClientSession,
  countryFromCompany?: string,
): Promise<PartnerValues> {
  const issues: FieldIssue[] = [];
  const values: PartnerValues = {};
  const plainFields = [
    'companyName',
    'addressType',
    'street',
    'street2',
    'zip',
    'city',
    'stateCode',
    'countryCode',
    'jobPosition',
    'lang',
    'vat',
    'ref',
    'isCompany',
  ] as const;
  for (const field of plainFields) {
    if (input[field] !== undefined) (values as Record<string, unknown>)[field] = input[field];
  }
  if (input.name !== undefined) {
    values.name = input.name;
    values.nameNormalized = normalizeName(input.name);
  }
  if (input.website !== undefined) values.website = cleanWebsite(input.website);
  if (input.notes !== undefined) values.notes = sanitizeMailHtml(input.notes);
  if (input.parentId !== undefined)
    values.parentId = input.parentId ? new Types.ObjectId(input.parentId) : null;
  if (input.userId !== undefined)
    values.userId = input.userId ? new Types.ObjectId(input.userId) : null;
  if (input.teamId !== undefined)
    values.teamId = input.teamId ? new Types.ObjectId(input.teamId) : null;
  if (input.tagIds !== undefined)
    values.tagIds = [...new Set(input.tagIds)].map((tagId) => new Types.ObjectId(tagId));
  if (input.externalRefs !== undefined) {
    const seen = new Set<string>();
    values.externalRefs = [];
    input.externalRefs.forEach((ref, index) => {
      const key = `${ref.provider}\u0000${ref.uid}`;
      if (seen.has(key))
        issues.push({ field: `body.externalRefs.${index}`, message: 'repeats another reference' });
      seen.add(key);
      values.externalRefs?.push({
        provider: ref.provider,
        uid: ref.uid,
        etag: ref.etag ?? null,
        syncedAt: ref.syncedAt ? new Date(ref.syncedAt) : null,
      });
    });
  }

  Object.assign(values, mergeEmails(existing, input, issues));
  const countryCode = countryFromCompany ?? values.countryCode ?? existing?.countryCode ?? '';
  Object.assign(
    values,
    mergePhones(existing, input, countryCode, countryCode !== (existing?.countryCode ?? '')),
  );

  // The company's own domain: from its website, else from its address unless that is free mail.
  const isCompany = values.isCompany ?? existing?.isCompany ?? false;
  const website = values.website ?? existing?.website ?? '';
  const emailNormalized =
    values.emailNormalized !== undefined
      ? values.emailNormalized
      : (existing?.emailNormalized ?? null);
  const emailDomain = domainOfNormalizedEmail(emailNormalized);
  values.domain = isCompany
    ? (domainOfWebsite(website) ??
      (emailDomain && !isFreeMailDomain(emailDomain) ? emailDomain : null))
    : null;

  await checkReferences(values, issues, session);
  if (issues.length > 0) throw new ValidationError(issues);
  return values;
}

/** `email` mirrors the primary entry of `emails`; every entry gets its normalized key. */
function mergeEmails(
  existing: PartnerRecord | undefined,
  input: CreatePartnerInput | UpdatePartnerInput,
  issues: FieldIssue[],
): Pick<PartnerValues, 'email' | 'emailNormalized' | 'emails'> {
  if (input.email === undefined && input.emails === undefined) return {};
  let entries: PartnerEmail[] = input.emails
    ? input.emails.map((entry) => ({
        email: entry.email,
        normalized: normalizeEmail(entry.email) ?? '',
        primary: entry.primary ?? false,
      }))
    : (existing?.emails ?? []).map((entry) => ({ ...entry }));
  entries.forEach((entry, index) => {
    if (!entry.normalized)
      issues.push({
        field: `body.emails.${index}.email`,
        message: 'is not a valid e-mail address',
      });
  });
  entries = entries.filter(
    (entry, index) => entries.findIndex((other) => other.normalized === entry.normalized) === index,
  );

  if (input.email !== undefined) {
    const normalized = normalizeEmail(input.email);
    if (input.email === '') {
      if (!input.emails) entries = entries.filter((entry) => !entry.primary);
      entries.forEach((entry) => (entry.primary = false));
    } else if (!normalized) {
      issues.push({ field: 'body.email', message: 'is not a valid e-mail address' });
    } else {
      const match = entries.find((entry) => entry.normalized === normalized);
      if (!input.emails && !match) entries = entries.filter((entry) => !entry.primary);
      entries.forEach((entry) => (entry.primary = entry.normalized === normalized));
      if (match) match.email = input.email;
      else entries.unshift({ email: input.email, normalized, primary: true });
    }
  }
  if (input.email !== '' && entries.length > 0 && !entries.some((entry) => entry.primary)) {
    const first = entries[0];
    if (first) first.primary = true;
  }
  let primarySeen = false;
  for (const entry of entries) {
    if (entry.primary && primarySeen) entry.primary = false;
    if (entry.primary) primarySeen = true;
  }
  const primary = entries.find((entry) => entry.primary);
  return {
    emails: entries,
    email: primary?.email ?? '',
    emailNormalized: primary?.normalized ?? null,
  };
}

/** `phone`/`mobile` are the main numbers; `phones` lists every number with its E.164 key. */
function mergePhones(
  existing: PartnerRecord | undefined,
  input: CreatePartnerInput | UpdatePartnerInput,
  countryCode: string,
  countryChanged: boolean,
): Pick<PartnerValues, 'phone' | 'mobile' | 'phones' | 'phoneSanitized'> {
  if (
    input.phone === undefined &&
    input.mobile === undefined &&
    input.phones === undefined &&
    !countryChanged
  )
    return {};
  let phones: PartnerPhone[] = input.phones
    ? input.phones.map((entry) => ({
        number: entry.number,
        sanitized: null,
        kind: entry.kind ?? 'work',
        primary: entry.primary ?? false,
      }))
    : (existing?.phones ?? []).map((entry) => ({ ...entry }));
  let phone = input.phone ?? existing?.phone ?? '';
  let mobile = input.mobile ?? existing?.mobile ?? '';
  if (input.phones && input.phone === undefined)
    phone =
      (
        phones.find((entry) => entry.kind !== 'mobile' && entry.primary) ??
        phones.find((entry) => entry.kind !== 'mobile')
      )?.number ?? '';
  if (input.phones && input.mobile === undefined)
    mobile = phones.find((entry) => entry.kind === 'mobile')?.number ?? '';
  // Keep the list in step with the main numbers: replace the entry the old main number had.
  const syncMain = (kind: 'work' | 'mobile', previous: string | undefined, current: string) => {
    if (input.phones && previous === current) return;
    phones = phones.filter((entry) => !(previous && entry.number === previous));
    if (current && !phones.some((entry) => entry.number === current))
      phones.unshift({ number: current, sanitized: null, kind, primary: true });
  };
  if (input.phone !== undefined || !input.phones) syncMain('work', existing?.phone, phone);
  if (input.mobile !== undefined || !input.phones) syncMain('mobile', existing?.mobile, mobile);
  for (const entry of phones) entry.sanitized = sanitizePhone(entry.number, countryCode);
  return {
    phone,
    mobile,
    phones,
    phoneSanitized: sanitizePhone(mobile, countryCode) ?? sanitizePhone(phone, countryCode),
  };
}

async function checkReferences(
  values: PartnerValues,
  issues: FieldIssue[],
  session: ClientSession,
): Promise<void> {
  const [tagCount, user, team] = await Promise.all([
    values.tagIds?.length
      ? TagModel.countDocuments({ _id: { $in: values.tagIds }, kind: 'partner' }).session(session)
      : 0,
    values.userId ? UserModel.exists({ _id: values.userId }).session(session) : true,
    values.teamId ? TeamModel.exists({ _id: values.teamId }).session(session) : true,
  ]);
  if (values.tagIds?.length && tagCount !== values.tagIds.length)
    issues.push({ field: 'body.tagIds', message: 'must name existing partner tags' });
  if (!user) issues.push({ field: 'body.userId', message: 'is not an existing user' });
  if (!team) issues.push({ field: 'body.teamId', message: 'is not an existing team' });
}

async function loadParent(
  parentId: Types.ObjectId,
  selfId: Types.ObjectId | undefined,
  session: ClientSession,
): Promise<PartnerRecord> {
  const parent = await PartnerModel.findById(parentId).session(session).lean();
  if (!parent)
    throw new ValidationError([{ field: 'body.parentId', message: 'is not an existing partner' }]);
  if (selfId && (parent._id.equals(selfId) || parent.commercialPartnerId.equals(selfId))) {
    throw new ValidationError([
      { field: 'body.parentId', message: 'would make the partner its own parent' },
    ]);
  }
  return parent;
}

function commercialPartnerIdFor(
  selfId: Types.ObjectId,
  isCompany: boolean,
  parent: PartnerRecord | null,
): Types.ObjectId {
  if (isCompany || !parent) return selfId;
  return parent.commercialPartnerId;
}

/** A contact takes the company's address (when it has one) and its commercial fields. */
function inheritFromCompany(
  target: Partial<PartnerRecord>,
  parent: PartnerRecord,
  addressType = target.addressType ?? 'contact',
): void {
  if (addressType === 'contact' && hasAddress(parent)) {
    for (const field of addressFields) target[field] = parent[field];
  }
  for (const field of commercialFields) target[field] = parent[field];
}

function hasAddress(partner: Pick<PartnerRecord, (typeof addressFields)[number]>): boolean {
  return addressFields.some((field) => Boolean(partner[field]));
}

/** Odoo: the first contact added to an address-less company gives it its address. */
async function shareAddressWithAddresslessCompany(
  parent: PartnerRecord,
  child: PartnerRecord,
  actorId: Types.ObjectId,
  session: ClientSession,
): Promise<void> {
  if (hasAddress(parent) || !hasAddress(child) || child.addressType !== 'contact') return;
  const address = Object.fromEntries(addressFields.map((field) => [field, child[field]]));
  await PartnerModel.updateOne(
    { _id: parent._id },
    { $set: { ...address, updatedBy: actorId } },
    { session },
  );
  await recordContactChange({ partnerId: parent._id }, { session });
}

/** Address, commercial fields and commercial partner flow down to the company's persons. */
async function propagateToChildren(
  before: PartnerRecord,
  after: PartnerRecord,
  session: ClientSession,
): Promise<void> {
  const addressChanged = addressFields.some((field) => before[field] !== after[field]);
  const commercialChanged = commercialFields.some((field) => before[field] !== after[field]);
  const commercialPartnerChanged = !before.commercialPartnerId.equals(after.commercialPartnerId);
  if (!addressChanged && !commercialChanged && !commercialPartnerChanged) return;
  const children = await PartnerModel.find({ parentId: after._id }).session(session).lean();
  for (const child of children) {
    const childSet: Partial<PartnerRecord> = {};
    if (addressChanged && child.addressType === 'contact') {
      for (const field of addressFields) childSet[field] = after[field];
      // National numbers read differently in another country: re-key the contact's phones.
      if (before.countryCode !== after.countryCode) {
        childSet.phones = child.phones.map((entry) => ({
          ...entry,
          sanitized: sanitizePhone(entry.number, after.countryCode),
        }));
        childSet.phoneSanitized =
          sanitizePhone(child.mobile, after.countryCode) ??
          sanitizePhone(child.phone, after.countryCode);
      }
    }
    if (commercialChanged && !child.isCompany)
      for (const field of commercialFields) childSet[field] = after[field];
    if (commercialPartnerChanged && !child.isCompany)
      childSet.commercialPartnerId = after.commercialPartnerId;
    if (Object.keys(childSet).length === 0) continue;
    const updatedChild = await PartnerModel.findOneAndUpdate(
      { _id: child._id },
      { $set: childSet },
      { returnDocument: 'after', session },
    ).lean();
    if (!updatedChild) continue;
    await recordContactChange({ partnerId: child._id }, { session });
    await propagateToChildren(child, updatedChild, session);
  }
}

// ---------------------------------------------------------------------------------------------
// DTOs

export async function toPartnerDtos(
  records: PartnerRecord[],
  session?: ClientSession,
): Promise<Partner[]> {
  const parentIds = [
    ...new Set(records.flatMap((record) => (record.parentId ? [String(record.parentId)] : []))),
  ];
  const parents = parentIds.length
    ? await PartnerModel.find(
        { _id: { $in: parentIds.map((id) => new Types.ObjectId(id)) } },
        { name: 1 },
      )
        .session(session ?? null)
        .lean()
    : [];
  const parentNames = new Map(parents.map((parent) => [String(parent._id), parent.name]));
  return records.map((record) =>
    toPartnerDto(record, record.parentId ? parentNames.get(String(record.parentId)) : undefined),
  );
}

/** Odoo's display name: "Company, Person" for a company's contact. */
export function toPartnerDto(record: PartnerRecord, parentName?: string): Partner {
  return {
    id: String(record._id),
    name: record.name,
    displayName: parentName && !record.isCompany ? `${parentName}, ${record.name}` : record.name,
    isCompany: record.isCompany,
    parentId: idOrNull(record.parentId),
    commercialPartnerId: String(record.commercialPartnerId),
    companyName: record.companyName ?? '',
    addressType: record.addressType,
    email: record.email ?? '',
    emailNormalized: record.emailNormalized ?? null,
    emails: (record.emails ?? []).map((entry) => ({
      email: entry.email,
      normalized: entry.normalized,
      primary: entry.primary,
    })),
    phone: record.phone ?? '',
    mobile: record.mobile ?? '',
    phoneSanitized: record.phoneSanitized ?? null,
    phones: (record.phones ?? []).map((entry) => ({
      number: entry.number,
      sanitized: entry.sanitized ?? null,
      kind: entry.kind,
      primary: entry.primary,
    })),
    street: record.street ?? '',
    street2: record.street2 ?? '',
    zip: record.zip ?? '',
    city: record.city ?? '',
    stateCode: record.stateCode ?? '',
    countryCode: record.countryCode ?? '',
    jobPosition: record.jobPosition ?? '',
    website: record.website ?? '',
    tagIds: (record.tagIds ?? []).map(String),
    userId: idOrNull(record.userId),
    teamId: idOrNull(record.teamId),
    active: record.active,
    lang: record.lang ?? '',
    notes: record.notes ?? '',
    vat: record.vat ?? '',
    ref: record.ref ?? '',
    externalRefs: (record.externalRefs ?? []).map((ref) => ({
      provider: ref.provider,
      uid: ref.uid,
      etag: ref.etag ?? null,
      syncedAt: ref.syncedAt ? new Date(ref.syncedAt).toISOString() : null,
    })),
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

function idOrNull(value: Types.ObjectId | null | undefined): string | null {
  return value ? String(value) : null;
}

function toObjectId(id: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Partner');
  return new Types.ObjectId(id);
}
