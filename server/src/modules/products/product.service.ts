import { Types } from 'mongoose';
import type {
  CreateProductBody,
  ListProductsQuery,
  ListResponse,
  ProductDto,
  UpdateProductBody,
} from '@inbox-crm/shared/schemas';
import { NotFoundError } from '../../errors/app-error';
import type { Actor } from '../../http/actor';
import { assertManager } from '../access/access-policy';
import { ProductModel, type Product } from './product.model';

type StoredProduct = Product & { _id: Types.ObjectId };

/** Rounds money to the company currency's 2 decimals (on every write). */
export function roundMoney(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export async function listProducts(query: ListProductsQuery): Promise<ListResponse<ProductDto>> {
  const conditions: Record<string, unknown>[] = [];
  if (!query.includeArchived) conditions.push({ active: true });
  if (query.search) {
    const prefix = new RegExp(`^${escapeRegExp(query.search.toLowerCase())}`);
    conditions.push({ $or: [{ nameNormalized: prefix }, { defaultCodeNormalized: prefix }] });
  }
  const filter = conditions.length > 0 ? { $and: conditions } : {};
  const [items, total] = await Promise.all([
    ProductModel.find(filter)
      .sort({ nameNormalized: 1, _id: 1 })
      .skip(query.offset)
      .limit(query.limit)
      .lean(),
    ProductModel.countDocuments(filter),
  ]);
  return { items: items.map(toProductDto), total, limit: query.limit, offset: query.offset };
}

export async function getProduct(id: string): Promise<ProductDto> {
  return toProductDto(await loadProduct(id));
}

export async function loadProduct(id: string | Types.ObjectId): Promise<StoredProduct> {
  const product = await ProductModel.findById(id).lean();
  if (!product) throw new NotFoundError('Product');
  return product;
}

export async function createProduct(actor: Actor, input: CreateProductBody): Promise<ProductDto> {
  assertManager(actor);
  const me = new Types.ObjectId(actor.userId);
  const [created] = await ProductModel.create([
    { ...withDerivedFields(input), createdBy: me, updatedBy: me },
  ]);
  return toProductDto(created!.toObject());
}

export async function updateProduct(
  actor: Actor,
  id: string,
  patch: UpdateProductBody,
): Promise<ProductDto> {
  assertManager(actor);
  const updated = await ProductModel.findByIdAndUpdate(
    id,
    { $set: { ...withDerivedFields(patch), updatedBy: new Types.ObjectId(actor.userId) } },
    { returnDocument: 'after', runValidators: true },
  ).lean();
  if (!updated) throw new NotFoundError('Product');
  return toProductDto(updated);
}

/** Archives the product: quotation lines keep pointing at it. */
export async function archiveProduct(actor: Actor, id: string): Promise<void> {
  assertManager(actor);
  const result = await ProductModel.updateOne({ _id: id }, { $set: { active: false } });
  if (result.matchedCount === 0) throw new NotFoundError('Product');
}

function withDerivedFields<T extends Partial<CreateProductBody>>(input: T): T & Partial<Product> {
  const derived: Partial<Product> = {};
  if (input.name !== undefined) derived.nameNormalized = input.name.trim().toLowerCase();
  if (input.defaultCode !== undefined)
    derived.defaultCodeNormalized = input.defaultCode.trim().toLowerCase();
  if (input.listPrice !== undefined) derived.listPrice = roundMoney(input.listPrice);
  return { ...input, ...derived };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function toProductDto(product: StoredProduct): ProductDto {
  return {
    id: product._id.toHexString(),
    name: product.name,
    defaultCode: product.defaultCode ?? undefined,
    type: product.type,
    listPrice: product.listPrice,
    uom: product.uom,
    taxes: (product.taxes ?? []).map((tax) => ({ name: tax.name, rate: tax.rate })),
    descriptionSale: product.descriptionSale ?? undefined,
    saleOk: product.saleOk,
    active: product.active,
    barcode: product.barcode ?? undefined,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}
