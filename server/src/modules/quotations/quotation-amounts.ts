import type { ProductTax } from '../products/product.model';
import { roundMoney } from '../products/product.service';

export interface PricedLine {
  quantity: number;
  priceUnit: number;
  discount: number;
  taxes: ProductTax[];
  displayType?: 'line_section' | 'line_note';
}

export interface LineAmounts {
  priceSubtotal: number;
  priceTax: number;
  priceTotal: number;
}

/**
 * Taxes-lite, price-exclusive (crm-model §2.7): subtotal = round(qty × price × (1 − discount/100)),
 * tax = Σ round(subtotal × rate/100), total = subtotal + tax; rounded per line as Odoo does by default.
 */
export function computeLineAmounts(line: PricedLine): LineAmounts {
  if (line.displayType) return { priceSubtotal: 0, priceTax: 0, priceTotal: 0 };
  const priceSubtotal = roundMoney(line.quantity * line.priceUnit * (1 - line.discount / 100));
  const priceTax = roundMoney(
    line.taxes.reduce((sum, tax) => sum + roundMoney((priceSubtotal * tax.rate) / 100), 0),
  );
  return { priceSubtotal, priceTax, priceTotal: roundMoney(priceSubtotal + priceTax) };
}

export function computeOrderAmounts(lines: LineAmounts[]): {
  amountUntaxed: number;
  amountTax: number;
  amountTotal: number;
} {
  const amountUntaxed = roundMoney(lines.reduce((sum, line) => sum + line.priceSubtotal, 0));
  const amountTax = roundMoney(lines.reduce((sum, line) => sum + line.priceTax, 0));
  return { amountUntaxed, amountTax, amountTotal: roundMoney(amountUntaxed + amountTax) };
}
