import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase } from '../../server/src/db/test-database';
import { createTestContext, type TestUser } from '../../server/src/test-support/test-context';
import { describeWithChromium, launchChromium, newIsolatedContext } from '../support/chromium';

/**
 * The admin console in Debian's Chromium against the real server: an admin configures a team, a
 * manager edits the lists, an own-leads salesperson works the kanban. Every result is read back
 * through the API. Screenshots go to artifacts/screenshots/console/ (ignored by git).
 */
const repositoryRoot = path.resolve(__dirname, '..', '..');
const screenshotDirectory = path.join(repositoryRoot, 'artifacts', 'screenshots', 'console');
const password = 'console-e2e-password';

useTestDatabase();

describeWithChromium('admin console in Chromium', () => {
  const context = createTestContext();
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  let admin: TestUser;
  let manager: TestUser;
  let seller: TestUser;
  let otherSeller: TestUser;

  const api = async <Body>(
    user: TestUser,
    method: 'get' | 'post' | 'patch',
    url: string,
    body?: unknown,
  ): Promise<Body> => {
    const request = context.request[method](`/api/v1${url}`).set(user.auth);
    const response = body === undefined ? await request : await request.send(body as object);
    if (response.status >= 300)
      throw new Error(
        `${method.toUpperCase()} ${url} → ${response.status} ${JSON.stringify(response.body)}`,
      );
    return response.body as Body;
  };

  async function signIn(page: Page, login: string): Promise<void> {
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('Login').fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(screenshotDirectory, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(repositoryRoot, 'server', 'console', 'dist', 'index.html'))) {
      throw new Error(
        'The console is not built: run `npm run build:assets` (npm test does it first)',
      );
    }
    fs.mkdirSync(screenshotDirectory, { recursive: true });
    admin = await context.createUser({
      isAdmin: true,
      accessLevel: 'manager',
      login: 'console-admin',
      name: 'Ada Admin',
      password,
    });
    manager = await context.createUser({
      accessLevel: 'manager',
      login: 'console-manager',
      name: 'Max Manager',
      password,
    });
    seller = await context.createUser({
      accessLevel: 'own',
      login: 'console-seller',
      name: 'Sol Seller',
      password,
    });
    otherSeller = await context.createUser({
      accessLevel: 'own',
      login: 'console-other',
      name: 'Otto Other',
      password,
    });
    server = context.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('serves the console with a strict CSP and session cookies that scripts cannot read', async () => {
    const page = await context.request.get('/');
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);

    const csrf = await context.request.get('/api/v1/auth/csrf');
    const cookie = (csrf.headers['set-cookie'] as unknown as string[]).join(';');
    const login = await context.request
      .post('/api/v1/auth/login')
      .set('Cookie', cookie.split(';')[0] as string)
      .set('x-csrf-token', csrf.body.csrfToken)
      .send({ login: 'console-admin', password });
    expect(login.status).toBe(200);
    const sessionCookie = (login.headers['set-cookie'] as unknown as string[]).find((value) =>
      value.includes('sid='),
    );
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(sessionCookie).toMatch(/Path=\//);
  });

  it('lets an admin create a team with leader, members, alias, target and three stages, then reorder them', async () => {
    const { context: browserContext, remoteRequests } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'console-admin');
    await page.getByRole('link', { name: 'Sales teams' }).click();
    await page.getByLabel('New sales team').fill('Nordic Sales');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Nordic Sales' }).waitFor();

    await page.getByLabel('Team leader').selectOption({ label: 'Max Manager' });
    await page.getByLabel('Sol Seller').check();
    await page.getByLabel('Otto Other').check();
    await page.getByLabel('Email alias', { exact: true }).fill('Nordic');
    await page.getByLabel('Alias domain').fill('example.com');
    await page.getByLabel('Monthly invoicing target').fill('abc');
    await page.getByRole('button', { name: 'Save' }).click();
    // Client-side validation with the shared schema: nothing is sent, the field is named.
    await page.getByText('expected number').first().waitFor();
    await page.getByLabel('Monthly invoicing target').fill('25000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();

    for (const [name, probability] of [
      ['Contact', '10'],
      ['Demo', '40'],
      ['Offer', '70'],
    ] as const) {
      await page.getByLabel('Stage name').fill(name);
      await page.getByLabel('Probability (%)').fill(probability);
      await page.getByRole('button', { name: 'Add stage' }).click();
      await page.locator(`[data-stage-name="${name}"]`).waitFor();
    }
    // Drag "Offer" onto "Contact", then use the keyboard-accessible button to move "Demo" down.
    await page
      .locator('[data-stage-name="Offer"]')
      .dragTo(page.locator('[data-stage-name="Contact"]'));
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-stage-name]')]
          .map((node) => node.getAttribute('data-stage-name'))
          .join(',') === 'Offer,Contact,Demo',
    );
    await page.locator('[data-testid="team-stages"][aria-busy="false"]').waitFor();
    await page.getByRole('button', { name: 'Move up: Demo' }).click();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-stage-name]')]
          .map((node) => node.getAttribute('data-stage-name'))
          .join(',') === 'Offer,Demo,Contact',
    );
    await page.locator('[data-testid="team-stages"][aria-busy="false"]').waitFor();
    await screenshot(page, 'team-editor');

    const teams = await api<{
      items: Array<{
        id: string;
        name: string;
        leaderId: string;
        memberUserIds: string[];
        alias: { name: string; domain: string };
        invoicedTarget: number;
      }>;
    }>(admin, 'get', '/teams');
    const team = teams.items.find((candidate) => candidate.name === 'Nordic Sales');
    expect(team).toMatchObject({
      leaderId: manager.userId,
      invoicedTarget: 25000,
      alias: { name: 'nordic', domain: 'example.com' },
    });
    expect(team?.memberUserIds.sort()).toEqual([seller.userId, otherSeller.userId].sort());
    const stages = await api<{
      items: Array<{ name: string; sequence: number; teamIds: string[] }>;
    }>(admin, 'get', `/stages?teamId=${team?.id}&limit=200`);
    const own = stages.items
      .filter((stage) => stage.teamIds.includes(team?.id ?? ''))
      .sort((a, b) => a.sequence - b.sequence);
    expect(own.map((stage) => stage.name)).toEqual(['Offer', 'Demo', 'Contact']);
    expect(remoteRequests).toEqual([]);
    await browserContext.close();
  });

  it('shows the team leader (a manager, not an admin) the members and leader by name', async () => {
    const teams = await api<{ items: Array<{ id: string; name: string }> }>(
      manager,
      'get',
      '/teams',
    );
    const team = teams.items.find((candidate) => candidate.name === 'Nordic Sales');
    expect(team).toBeDefined();
    // The users list is for admins only; the page names people through the users directory.
    expect((await context.request.get('/api/v1/users').set(manager.auth)).status).toBe(403);
    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'console-manager');
    await page.goto(`${baseUrl}/teams/${team!.id}`);
    await page.getByRole('heading', { name: 'Nordic Sales' }).waitFor();
    expect(await page.getByLabel('Sol Seller').isChecked()).toBe(true);
    expect(await page.getByLabel('Otto Other').isChecked()).toBe(true);
    expect(await page.getByLabel('Ada Admin').isChecked()).toBe(false);
    const leader = page.getByLabel('Team leader');
    expect(await leader.locator('option:checked').textContent()).toBe('Max Manager');
    await browserContext.close();
  });

  it('lets a manager edit tags and lost reasons', async () => {
    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'console-manager');
    await page.getByRole('link', { name: 'Lists' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Enterprise');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('[data-name="Enterprise"]').waitFor();
    await page.getByLabel('Name: Enterprise').fill('Enterprise deal');
    await page.getByLabel('Name: Enterprise').press('Enter');
    await page.locator('[data-name="Enterprise deal"]').waitFor();

    await page.getByRole('link', { name: 'Lost reasons' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Went with a competitor');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('[data-name="Went with a competitor"]').waitFor();
    // An empty name is refused on the client with the schema's message.
    await page.getByLabel('Name', { exact: true }).fill('   ');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByText('must not be empty').first().waitFor();
    await screenshot(page, 'lists');

    const tags = await api<{ items: Array<{ name: string }> }>(
      manager,
      'get',
      '/tags?kind=lead&limit=200',
    );
    expect(tags.items.map((tag) => tag.name)).toContain('Enterprise deal');
    expect(tags.items.map((tag) => tag.name)).not.toContain('Enterprise');
    const reasons = await api<{ items: Array<{ name: string }> }>(
      manager,
      'get',
      '/lost-reasons?limit=200',
    );
    expect(reasons.items.map((reason) => reason.name)).toEqual(['Went with a competitor']);
    await browserContext.close();
  });

  it('shows an own-leads salesperson only their own and unassigned cards; drag moves a stage, lost takes a reason', async () => {
    const teams = await api<{ items: Array<{ id: string; name: string }> }>(admin, 'get', '/teams');
    const team = teams.items.find((candidate) => candidate.name === 'Nordic Sales');
    if (!team) throw new Error('the team of the previous test is missing');
    const stages = await api<{ items: Array<{ id: string; name: string; teamIds: string[] }> }>(
      admin,
      'get',
      `/stages?teamId=${team.id}&limit=200`,
    );
    const stageId = (name: string) =>
      stages.items.find((stage) => stage.name === name)?.id as string;
    const reasons = await api<{ items: Array<{ id: string; name: string }> }>(
      admin,
      'get',
      '/lost-reasons?limit=200',
    );
    const create = (name: string, userId: string | null) =>
      api<{ id: string }>(admin, 'post', '/leads', {
        type: 'opportunity',
        name,
        userId,
        teamId: team.id,
        stageId: stageId('Contact'),
        expectedRevenue: 1000,
      });
    const mine = await create('Mine: fjord cabins', seller.userId);
    const unassigned = await create('Nobody: lighthouse', null);
    await create('Theirs: ferry fleet', otherSeller.userId);

    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'console-seller');
    await page.locator('.kanban-card').first().waitFor();
    const names = await page
      .locator('.kanban-card')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-card-name')));
    expect(names.sort()).toEqual(['Mine: fjord cabins', 'Nobody: lighthouse']);
    const counts = await page.locator('.kanban-column-header p').allTextContents();
    expect(counts.join(' ')).not.toContain('3');

    await page
      .locator('[data-card-name="Mine: fjord cabins"]')
      .dragTo(page.locator('[data-stage-name="Demo"]'));
    await page.locator('[data-stage-name="Demo"] [data-card-name="Mine: fjord cabins"]').waitFor();

    await page
      .locator('[data-card-name="Nobody: lighthouse"]')
      .getByRole('button', { name: 'Mark lost' })
      .click();
    await page.getByLabel('Lost reason').selectOption({ label: 'Went with a competitor' });
    await page.getByLabel('Closing note').fill('They chose the incumbent.');
    await page.getByRole('dialog').getByRole('button', { name: 'Mark lost' }).click();
    await page.locator('[data-card-name="Nobody: lighthouse"]').waitFor({ state: 'detached' });
    await screenshot(page, 'pipeline-own-leads');

    const moved = await api<{ stageId: string }>(admin, 'get', `/leads/${mine.id}`);
    expect(moved.stageId).toBe(stageId('Demo'));
    const lost = await api<{ active: boolean; probability: number; lostReasonId: string }>(
      admin,
      'get',
      `/leads/${unassigned.id}`,
    );
    expect(lost).toMatchObject({
      active: false,
      probability: 0,
      lostReasonId: reasons.items.find((reason) => reason.name === 'Went with a competitor')?.id,
    });
    const chatter = await api<{ items: Array<{ tracking?: Array<{ field: string }> }> }>(
      admin,
      'get',
      `/leads/${mine.id}/messages`,
    );
    expect(JSON.stringify(chatter.items)).toContain('stageId');
    await browserContext.close();
  });

  it('renders the dashboard chart, tokens page and audit log for the admin', async () => {
    const { context: browserContext } = await newIsolatedContext(browser);
    const page = await browserContext.newPage();
    await signIn(page, 'console-admin');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.locator('.chart svg').waitFor();
    await screenshot(page, 'dashboard');

    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Token name').fill('Thunderbird laptop');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent()) ?? '';
    expect(token).toMatch(/^icrm_/);
    const me = await context.request.get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(me.body.login).toBe('console-admin');
    await page.getByRole('button', { name: 'Revoke Thunderbird laptop' }).click();
    await page
      .getByRole('button', { name: 'Revoke Thunderbird laptop' })
      .waitFor({ state: 'detached' });
    const revoked = await context.request.get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    expect(revoked.status).toBe(401);
    await screenshot(page, 'tokens');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByText('auth.sign-in').first().waitFor();
    await screenshot(page, 'audit');

    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('link', { name: '销售团队' }).waitFor();
    await browserContext.close();
  });
});
