import mongoose from 'mongoose';
import { useTestDatabase } from '../../db/test-database';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../test-support/test-context';
import { MessageModel } from '../messages/message.model';
import { QuotationModel } from './quotation.model';

useTestDatabase();

let context: TestContext;
let salesman: TestUser;
let otherSalesman: TestUser;
let manager: TestUser;
let productId: string;

beforeAll(async () => {
  context = createTestContext();
  salesman = await context.createUser({ accessLevel: 'own' });
  otherSalesman = await context.createUser({ accessLevel: 'own' });
  manager = await context.createUser({ accessLevel: 'manager' });
  const product = await context.request
    .post('/api/v1/products')
    .set(manager.auth)
    .send({
      name: 'CRM seat',
      defaultCode: 'SEAT',
      listPrice: 49.999,
      taxes: [{ name: 'VAT 19%', rate: 19 }],
    });
  expect(product.status).toBe(201);
  expect(product.body.listPrice).toBe(50);
  productId = product.body.id;
});

async function createOpportunity(
  user: TestUser,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const response = await context.request
    .post('/api/v1/leads')
    .set(user.auth)
    .send({
      type: 'opportunity',
      name: 'Seats for ACME',
      contactName: 'Ana Buyer',
      emailFrom: 'ana@acme.example',
      ...fields,
    });
  expect(response.status).toBe(201);
  return response.body.id;
}

describe('quotations over HTTP', () => {
  it('makes a quotation from an opportunity, creating its customer, with product defaults and totals', async () => {
    const leadId = await createOpportunity(salesman);
    const response = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(salesman.auth)
      .send({
        customer: 'create',
        lines: [
          { productId, quantity: 3, discount: 10 },
          { displayType: 'line_section', name: 'Services' },
          { name: 'Onboarding', priceUnit: 300.004 },
        ],
      });
    expect(response.status).toBe(201);
    const quotation = response.body;
    expect(quotation).toMatchObject({
      name: expect.stringMatching(/^S\d{5}$/),
      state: 'draft',
      opportunityId: leadId,
      userId: salesman.userId,
      origin: 'Seats for ACME',
      amountUntaxed: 435,
      amountTax: 25.65,
      amountTotal: 460.65,
    });
    expect(quotation.lines[0]).toMatchObject({
      productId,
      name: 'CRM seat',
      quantity: 3,
      priceUnit: 50,
      priceSubtotal: 135,
      priceTax: 25.65,
      priceTotal: 160.65,
    });
    expect(quotation.lines[1]).toMatchObject({ displayType: 'line_section', priceSubtotal: 0 });
    expect(quotation.lines[2]).toMatchObject({ priceUnit: 300, priceSubtotal: 300, priceTax: 0 });

    const lead = await context.request.get(`/api/v1/leads/${leadId}`).set(salesman.auth);
    expect(lead.body.partnerId).toBe(quotation.partnerId);
    const partner = await context.request
      .get(`/api/v1/partners/${quotation.partnerId}`)
      .set(salesman.auth);
    expect(partner.body).toMatchObject({ name: 'Ana Buyer', email: 'ana@acme.example' });

    const second = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(salesman.auth)
      .send({});
    expect(second.status).toBe(201);
    expect(second.body.partnerId).toBe(quotation.partnerId);
    expect(Number(second.body.name.slice(1))).toBe(Number(quotation.name.slice(1)) + 1);

    const list = await context.request
      .get(`/api/v1/quotations?opportunityId=${leadId}`)
      .set(salesman.auth);
    expect(list.body.items.map((q: { id: string }) => q.id)).toEqual([
      second.body.id,
      quotation.id,
    ]);
  });

  it('requires a customer, and a real opportunity', async () => {
    const leadId = await createOpportunity(salesman);
    const noCustomer = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(salesman.auth)
      .send({});
    expect(noCustomer.status).toBe(400);
    expect(noCustomer.body.error.details.issues[0].field).toBe('body.partnerId');

    const plainLead = await createOpportunity(salesman, { type: 'lead' });
    await context.request
      .post(`/api/v1/leads/${plainLead}/quotations`)
      .set(salesman.auth)
      .send({ customer: 'create' })
      .expect(409);
    expect(
      await QuotationModel.countDocuments({ opportunityId: { $in: [leadId, plainLead] } }),
    ).toBe(0);
  });

  it('links an existing partner given by id', async () => {
    const partner = await context.request
      .post('/api/v1/partners')
      .set(salesman.auth)
      .send({ name: 'Globex' });
    expect(partner.status).toBe(201);
    const leadId = await createOpportunity(salesman, { contactName: '', emailFrom: '' });
    const response = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(salesman.auth)
      .send({ partnerId: partner.body.id });
    expect(response.status).toBe(201);
    expect(response.body.partnerId).toBe(partner.body.id);
    const lead = await context.request.get(`/api/v1/leads/${leadId}`).set(salesman.auth);
    expect(lead.body.partnerId).toBe(partner.body.id);
  });

  it('moves through states, logs them, and locks lines once confirmed', async () => {
    const leadId = await createOpportunity(salesman);
    const created = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(salesman.auth)
      .send({ customer: 'create', lines: [{ productId }] });
    const id = created.body.id;
    const relined = await context.request
      .patch(`/api/v1/quotations/${id}`)
      .set(salesman.auth)
      .send({ lines: [{ productId, quantity: 2 }], validityDate: '2030-01-31' });
    expect(relined.status).toBe(200);
    expect(relined.body).toMatchObject({
      amountUntaxed: 100,
      amountTotal: 119,
      validityDate: '2030-01-31',
    });
    await context.request
      .patch(`/api/v1/quotations/${id}`)
      .set(salesman.auth)
      .send({ state: 'sent' })
      .expect(200);
    const confirmed = await context.request
      .patch(`/api/v1/quotations/${id}`)
      .set(salesman.auth)
      .send({ state: 'sale' });
    expect(confirmed.body.state).toBe('sale');
    await context.request
      .patch(`/api/v1/quotations/${id}`)
      .set(salesman.auth)
      .send({ lines: [] })
      .expect(409);
    await context.request
      .patch(`/api/v1/quotations/${id}`)
      .set(salesman.auth)
      .send({ state: 'draft' })
      .expect(409);
    const chatter = await context.request
      .get(`/api/v1/quotations/${id}/messages`)
      .set(salesman.auth);
    expect(
      chatter.body.items.map(
        (m: { tracking: Array<{ newValue: string }> }) => m.tracking[0]!.newValue,
      ),
    ).toEqual(['Sales Order', 'Quotation Sent']);
  });

  it('hides quotations and opportunities of others from own-level salespeople', async () => {
    const leadId = await createOpportunity(manager, { userId: manager.userId });
    const created = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(manager.auth)
      .send({ customer: 'create' });
    expect(created.status).toBe(201);
    await context.request
      .get(`/api/v1/quotations/${created.body.id}`)
      .set(otherSalesman.auth)
      .expect(404);
    await context.request
      .patch(`/api/v1/quotations/${created.body.id}`)
      .set(otherSalesman.auth)
      .send({ state: 'cancel' })
      .expect(404);
    await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(otherSalesman.auth)
      .send({ customer: 'create' })
      .expect(404);
    const list = await context.request.get('/api/v1/quotations').set(otherSalesman.auth);
    expect(list.body.items.map((q: { id: string }) => q.id)).not.toContain(created.body.id);
    await context.request
      .get(`/api/v1/quotations/${created.body.id}`)
      .set(manager.auth)
      .expect(200);
  });

  it.each([
    [{ lines: [{ quantity: 1 }] }, 'body.lines.0.name'],
    [{ lines: [{ name: 'x' }] }, 'body.lines.0.priceUnit'],
    [{ lines: [{ productId: '64b000000000000000000001' }] }, 'body.lines.0.productId'],
    [{ lines: [{ productId: 'p', quantity: -1 }] }, 'body.lines.0.productId'],
    [{ lines: [{ name: 'x', priceUnit: 1, discount: 101 }] }, 'body.lines.0.discount'],
    [{ validityDate: '31.01.2030' }, 'body.validityDate'],
    [{ customer: 'maybe' }, 'body.customer'],
  ])('refuses %j with a 400 naming %s and writes nothing', async (body, field) => {
    const leadId = await createOpportunity(salesman);
    const before = await MessageModel.countDocuments({
      resId: new mongoose.Types.ObjectId(leadId),
    });
    const response = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(salesman.auth)
      .send({ customer: 'create', ...body });
    expect(response.status).toBe(400);
    const fields = response.body.error.details.issues.map(
      (issue: { field: string }) => issue.field,
    );
    expect(fields).toContain(field);
    expect(
      await QuotationModel.countDocuments({ opportunityId: new mongoose.Types.ObjectId(leadId) }),
    ).toBe(0);
    expect(await MessageModel.countDocuments({ resId: new mongoose.Types.ObjectId(leadId) })).toBe(
      before,
    );
    const lead = await context.request.get(`/api/v1/leads/${leadId}`).set(salesman.auth);
    expect(lead.body.partnerId).toBeNull();
  });

  it('refuses a bad PATCH with a 400 and leaves the quotation as it was', async () => {
    const leadId = await createOpportunity(salesman);
    const created = await context.request
      .post(`/api/v1/leads/${leadId}/quotations`)
      .set(salesman.auth)
      .send({ customer: 'create', lines: [{ productId }] });
    for (const [body, field] of [
      [{}, 'body'],
      [{ state: 'won' }, 'body.state'],
      [{ lines: [{ productId, quantity: 0 }] }, 'body.lines.0.quantity'],
      [{ partnerId: '64b000000000000000000001' }, 'body.partnerId'],
    ] as const) {
      const response = await context.request
        .patch(`/api/v1/quotations/${created.body.id}`)
        .set(salesman.auth)
        .send(body);
      expect(response.status).toBe(400);
      expect(
        response.body.error.details.issues.map((issue: { field: string }) => issue.field),
      ).toContain(field);
    }
    const unchanged = await context.request
      .get(`/api/v1/quotations/${created.body.id}`)
      .set(salesman.auth);
    expect(unchanged.body).toEqual(created.body);
  });
});
