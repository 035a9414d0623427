import { Schema, model, type Types } from 'mongoose';
import { taxSubSchema, type ProductTax } from '../products/product.model';

export type QuotationState = 'draft' | 'sent' | 'sale' | 'cancel';

/** One embedded `sale.order.line`; amounts written by the service only. */
export interface QuotationLineRecord {
  sequence: number;
  displayType?: 'line_section' | 'line_note';
  productId?: Types.ObjectId;
  name: string;
  quantity: number;
  uom?: string;
  priceUnit: number;
  discount: number;
  taxes: ProductTax[];
  priceSubtotal: number;
  priceTax: number;
  priceTotal: number;
}

/** `sale.order` as far as "make a quotation from an opportunity" needs it. */
export interface Quotation {
  /** `S00001`… from the `quotation` counter. */
  name: string;
  state: QuotationState;
  partnerId: Types.ObjectId;
  opportunityId?: Types.ObjectId;
  teamId?: Types.ObjectId;
  userId?: Types.ObjectId;
  dateOrder: Date;
  validityDate?: string;
  origin?: string;
  clientOrderRef?: string;
  note?: string;
  tagIds: Types.ObjectId[];
  utm?: Record<string, unknown>;
  currency: string;
  lines: QuotationLineRecord[];
  amountUntaxed: number;
  amountTax: number;
  amountTotal: number;
  createdBy?: Types.ObjectId;
  updatedBy?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const lineSchema = new Schema<QuotationLineRecord>(
  {
    sequence: { type: Number, required: true },
    displayType: { type: String, enum: ['line_section', 'line_note'] },
    productId: { type: Schema.Types.ObjectId, ref: 'Product' },
    name: { type: String, required: true },
    quantity: { type: Number, required: true },
    uom: String,
    priceUnit: { type: Number, required: true },
    discount: { type: Number, default: 0, min: 0, max: 100 },
    taxes: { type: [taxSubSchema], default: [] },
    priceSubtotal: { type: Number, required: true },
    priceTax: { type: Number, required: true },
    priceTotal: { type: Number, required: true },
  },
  { _id: false },
);

const quotationSchema = new Schema<Quotation>(
  {
    name: { type: String, required: true },
    state: { type: String, enum: ['draft', 'sent', 'sale', 'cancel'], default: 'draft' },
    partnerId: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    opportunityId: { type: Schema.Types.ObjectId, ref: 'Lead' },
    teamId: { type: Schema.Types.ObjectId, ref: 'Team' },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
    dateOrder: { type: Date, required: true },
    validityDate: { type: String, match: /^\d{4}-\d{2}-\d{2}$/ },
    origin: String,
    clientOrderRef: String,
    note: String,
    tagIds: { type: [Schema.Types.ObjectId], ref: 'Tag', default: [] },
    utm: Schema.Types.Mixed,
    currency: { type: String, default: 'EUR' },
    lines: { type: [lineSchema], default: [] },
    amountUntaxed: { type: Number, default: 0 },
    amountTax: { type: Number, default: 0 },
    amountTotal: { type: Number, default: 0 },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);

quotationSchema.index({ opportunityId: 1 });
quotationSchema.index({ partnerId: 1 });
quotationSchema.index({ userId: 1, state: 1 });
quotationSchema.index({ name: 1 }, { unique: true });

export const QuotationModel = model<Quotation>('Quotation', quotationSchema);

/** Named counters for document numbers (one document per sequence). */
interface Counter {
  _id: string;
  value: number;
}

export const CounterModel = model<Counter>(
  'Counter',
  new Schema<Counter>({ _id: String, value: Number }),
);
