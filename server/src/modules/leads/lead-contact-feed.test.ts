import { useTestDatabase } from '../../db/test-database';
import { createTestContext } from '../../test-support/test-context';

useTestDatabase();

/**
 * "Contacts of my opportunities" address books: handing a lead to a salesperson puts its customer
 * into their contact feed, although the customer record itself did not change.
 */
describe('lead assignment and the contact feed', () => {
  const context = createTestContext();

  it("brings a lead's customer into the new salesperson's feed", async () => {
    const manager = await context.createUser({ accessLevel: 'manager' });
    const seller = await context.createUser({ accessLevel: 'own' });
    const customer = await context.request
      .post('/api/v1/partners')
      .set(manager.auth)
      .send({ name: 'Freya Fjord', email: 'freya@fjord.example' })
      .expect(201);
    const lead = await context.request
      .post('/api/v1/leads')
      .set(manager.auth)
      .send({
        type: 'opportunity',
        name: 'Cabins',
        partnerId: customer.body.id,
        userId: manager.userId,
      })
      .expect(201);

    const first = await context.request.get('/api/v1/sync/contacts').set(seller.auth).expect(200);
    const ids = (page: { body: { changes: Array<{ id: string }> } }) =>
      page.body.changes.map((change) => change.id);
    expect(ids(first)).not.toContain(customer.body.id);

    await context.request
      .patch(`/api/v1/leads/${lead.body.id}`)
      .set(manager.auth)
      .send({ userId: seller.userId })
      .expect(200);
    const next = await context.request
      .get('/api/v1/sync/contacts')
      .query({ token: first.body.nextToken })
      .set(seller.auth)
      .expect(200);
    expect(ids(next)).toContain(customer.body.id);
  });
});
