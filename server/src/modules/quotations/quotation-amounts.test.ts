import { computeLineAmounts, computeOrderAmounts } from './quotation-amounts';

describe('quotation amounts (taxes-lite, price-exclusive, rounded per line)', () => {
  it('applies quantity, discount and each tax on the rounded subtotal', () => {
    const line = computeLineAmounts({
      quantity: 3,
      priceUnit: 19.99,
      discount: 10,
      taxes: [
        { name: 'VAT 19%', rate: 19 },
        { name: 'Eco 0.5%', rate: 0.5 },
      ],
    });
    // 3 × 19.99 × 0.9 = 53.973 → 53.97; 53.97 × 19% = 10.2543 → 10.25; × 0.5% = 0.26985 → 0.27
    expect(line).toEqual({ priceSubtotal: 53.97, priceTax: 10.52, priceTotal: 64.49 });
  });

  it('gives sections and notes no amounts, and sums lines into the order', () => {
    const section = computeLineAmounts({
      quantity: 1,
      priceUnit: 100,
      discount: 0,
      taxes: [],
      displayType: 'line_section',
    });
    expect(section).toEqual({ priceSubtotal: 0, priceTax: 0, priceTotal: 0 });
    const lines = [
      computeLineAmounts({ quantity: 1, priceUnit: 0.1, discount: 0, taxes: [] }),
      computeLineAmounts({
        quantity: 1,
        priceUnit: 0.2,
        discount: 0,
        taxes: [{ name: 'T', rate: 10 }],
      }),
      section,
    ];
    expect(computeOrderAmounts(lines)).toEqual({
      amountUntaxed: 0.3,
      amountTax: 0.02,
      amountTotal: 0.32,
    });
  });
});
