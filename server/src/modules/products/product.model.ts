import { Schema, model, type Types } from 'mongoose';

export interface ProductTax {
  name: string;
  /** Percentage, price-exclusive. */
  rate: number;
}

/** Minimal `product.template`: enough to build quotation lines. */
export interface Product {
  name: string;
  /** Lower-cased name for anchored prefix search (no collations). */
  nameNormalized: string;
  defaultCode?: string;
  defaultCodeNormalized?: string;
  type: 'consu' | 'service';
  listPrice: number;
  uom: string;
  taxes: ProductTax[];
  descriptionSale?: string;
  saleOk: boolean;
  active: boolean;
  barcode?: string;
  createdBy?: Types.ObjectId;
  updatedBy?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

export const taxSubSchema = new Schema<ProductTax>(
  {
    name: { type: String, required: true },
    rate: { type: Number, required: true, min: 0, max: 100 },
  },
  { _id: false },
);

const productSchema = new Schema<Product>(
  {
    name: { type: String, required: true, trim: true },
    nameNormalized: { type: String, required: true },
    defaultCode: String,
    defaultCodeNormalized: String,
    type: { type: String, enum: ['consu', 'service'], default: 'consu' },
    listPrice: { type: Number, default: 1, min: 0 },
    uom: { type: String, default: 'Units' },
    taxes: { type: [taxSubSchema], default: [] },
    descriptionSale: String,
    saleOk: { type: Boolean, default: true },
    active: { type: Boolean, default: true },
    barcode: String,
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

productSchema.index({ active: 1, nameNormalized: 1 });
productSchema.index(
  { defaultCodeNormalized: 1 },
  { partialFilterExpression: { defaultCodeNormalized: { $exists: true } } },
);

export const ProductModel = model<Product>('Product', productSchema);
