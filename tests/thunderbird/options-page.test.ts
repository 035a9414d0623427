import { thunderbirdTestMode } from './harness/e2e-environment';
import { startThunderbirdSession, type ThunderbirdSession } from './harness/thunderbird-session';
import {
  answerPermissionPrompt,
  clickInExtensionPage,
  grantedOrigins,
  inExtensionPage,
  waitForOptionsPage,
} from './harness/thunderbird-ui';
import { eventually } from '../support/eventually';

// Real Thunderbird, real server: the options page as a new user meets it. The server address is
// typed, "Test connection" is clicked with a real (WebDriver) click, Thunderbird's own add-on
// permission prompt for that origin appears and is answered, then a personal API token signs in.

const mode = thunderbirdTestMode();
const describeInThunderbird = mode.run ? describe : describe.skip;
if (!mode.run) console.warn(mode.reason);

describeInThunderbird('Thunderbird: options page, host permission prompt and sign-in', () => {
  let session: ThunderbirdSession;
  const marionette = () => session.thunderbird.marionette;
  const optionsText = (selector: string) =>
    inExtensionPage<string | null>(
      marionette(),
      'options.html',
      'const element = document.querySelector(arguments[0]); return element ? element.textContent : null;',
      [selector],
    );
  const fill = (selector: string, value: string) =>
    inExtensionPage(
      marionette(),
      'options.html',
      `const [selector, value] = arguments;
       const element = document.querySelector(selector);
       element.focus();
       element.value = value;
       element.dispatchEvent(new Event('input', { bubbles: true }));`,
      [selector, value],
    );
  const result = (previous?: string | null) =>
    eventually(async () => {
      const text = await optionsText('[data-testid="connection-result"]');
      return text && text !== previous ? text : undefined;
    }, 'the connection result');

  beforeAll(async () => {
    session = await startThunderbirdSession({ connect: false });
    await session.control.run('openOptionsPage');
    await waitForOptionsPage(marionette());
    await eventually(
      async () => ((await optionsText('#test-connection')) !== null ? true : undefined),
      'the options page to render',
    );
  }, 180_000);

  afterAll(async () => {
    await session?.stop();
  }, 60_000);

  it('asks Thunderbird for access to the server when "Test connection" is clicked, and respects "Cancel"', async () => {
    const origin = `http://127.0.0.1/*`;
    expect(await grantedOrigins(marionette())).not.toContain(origin);
    await fill('input[name="serverUrl"]', session.crm.baseUrl);
    await clickInExtensionPage(marionette(), 'options.html', '#test-connection');
    const prompt = await answerPermissionPrompt(marionette(), 'deny');
    expect(prompt).toContain('127.0.0.1');
    expect(await result()).toMatch(/access|permission/i);
    expect(await grantedOrigins(marionette())).not.toContain(origin);
  });

  it('gets the permission when the user allows it, then signs in with a personal API token', async () => {
    const before = await optionsText('[data-testid="connection-result"]');
    await clickInExtensionPage(marionette(), 'options.html', '#test-connection');
    await answerPermissionPrompt(marionette(), 'allow');
    // Saved and reachable; no sign-in yet.
    expect(await result(before)).toContain('sign in');
    expect(await grantedOrigins(marionette())).toContain('http://127.0.0.1/*');

    const saved = await optionsText('[data-testid="connection-result"]');
    await fill('input[name="apiToken"]', session.crm.user.token);
    // Already granted: no second prompt, the click goes straight through.
    await clickInExtensionPage(marionette(), 'options.html', '#use-api-token');
    expect(await result(saved)).toBe(
      'Connected as Sofia Marin <sofia.marin@larchmont.example.net>.',
    );
    await eventually(
      async () =>
        (await optionsText('[data-testid="signed-in-as"]'))?.includes('Sofia Marin') || undefined,
      'the signed-in line',
    );
  });
});
