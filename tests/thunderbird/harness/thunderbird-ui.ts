import type { MarionetteClient } from './marionette-client';
import { extensionId, extensionWidgetId } from './thunderbird-instance';

// What a user does in Thunderbird, done through Marionette in chrome context: select mails and
// click our message-list menu item (real menus.onClicked with info.selectedMessages), grant the
// host permission the options page asks for, edit a card in the address book.

const folderUrl = (folderName: string) =>
  `mailbox://nobody@Local%20Folders/${encodeURIComponent(folderName)}`;

/**
 * Shows `folderName`, selects the mails whose Message-ID (without brackets) is listed — or all
 * of them — and clicks our menu item. Resolves with the number of selected rows.
 */
export async function clickMenuOnMessages(
  marionette: MarionetteClient,
  folderName: string,
  select: 'all' | string[],
  menuId: 'inbox-crm-create-opportunities' | 'inbox-crm-log-mails',
  expectedRows: number,
): Promise<number> {
  return marionette.executeAsync<number>(
    `
    const [url, select, itemId, expectedRows] = arguments;
    const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
    // The list lives in the first tab; a mail opened in its own tab may be in front.
    document.getElementById('tabmail').switchToTab(0);
    const about3Pane = document.getElementById('tabmail').currentAbout3Pane;
    const folder = MailServices.folderLookup.getFolderForURL(url);
    if (!folder) throw new Error('no folder ' + url);
    about3Pane.displayFolder(folder);
    // Unthreaded, so a reply is its own row and not hidden in a collapsed thread.
    if (!about3Pane.gViewWrapper.showUnthreaded) about3Pane.gViewWrapper.showUnthreaded = true;
    const deadline = Date.now() + 20000;
    while (!about3Pane.gDBView || about3Pane.gDBView.rowCount < expectedRows) {
      if (Date.now() > deadline) throw new Error('folder shows ' + about3Pane.gDBView?.rowCount + ' rows, expected ' + expectedRows);
      await new Promise((r) => setTimeout(r, 50));
    }
    const indices = [];
    for (let i = 0; i < about3Pane.gDBView.rowCount; i++) {
      if (select === 'all' || select.includes(about3Pane.gDBView.getMsgHdrAt(i).messageId)) indices.push(i);
    }
    if (select !== 'all' && indices.length !== select.length) throw new Error('found ' + indices.length + ' of ' + select.length + ' mails');
    about3Pane.threadTree.selectedIndices = indices;
    const selected = about3Pane.gDBView.numSelected;
    about3Pane.mailContextMenu.setAsThreadPaneContextMenu();
    const popup = about3Pane.document.getElementById('mailContext');
    if (popup.state !== 'closed') popup.hidePopup();
    popup.openPopup(about3Pane.threadTree.getRowAtIndex(indices[0]), 'after_end', 0, 0, true);
    const openBy = Date.now() + 20000;
    while (popup.state !== 'open') {
      if (Date.now() > openBy) throw new Error('context menu did not open (state ' + popup.state + ')');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Our menus.onShown handler puts the selection count in the titles and refreshes the menu,
    // which rebuilds the items: wait for the rebuilt item before touching it.
    const isUpdated = (element) => {
      // Until onShown has run the title still carries the "N" placeholder.
      const label = element.getAttribute('label') || '';
      return selected === 1 ? !/\bN\b/.test(label) : label.includes(String(selected));
    };
    const findItem = () => {
      const candidate = popup.querySelector('#' + itemId);
      if (!candidate || !candidate.isConnected) return null;
      // Every one of our items must carry its new title: onShown updates them one by one and then
      // refreshes the menu, which rebuilds them — a click on an element about to go is lost.
      const ours = [...popup.querySelectorAll('[id^="' + itemId.slice(0, itemId.indexOf('-menuitem-_') + 11) + '"]')]
        .filter((element) => element.tagName === 'menuitem');
      return ours.every(isUpdated) ? candidate : null;
    };
    const stableItem = async () => {
      const first = findItem();
      if (!first) return null;
      await new Promise((r) => setTimeout(r, 400));
      return findItem() === first && first.isConnected ? first : null;
    };
    // Retry until the item is found, its submenu (Thunderbird groups an add-on's entries under
    // one menu named after it) is open, and nothing rebuilt it in between.
    const itemBy = Date.now() + 30000;
    for (;;) {
      if (Date.now() > itemBy) {
        popup.hidePopup();
        throw new Error('menu item ' + itemId + ' with the selection count could not be clicked');
      }
      await new Promise((r) => setTimeout(r, 50));
      const item = await stableItem();
      if (!item) continue;
      const itemPopup = item.parentElement;
      if (itemPopup !== popup) {
        itemPopup.parentElement.openMenu(true);
        const openBy = Date.now() + 1500;
        while (itemPopup.state !== 'open' && Date.now() < openBy) await new Promise((r) => setTimeout(r, 50));
        if (itemPopup.state !== 'open' || !item.isConnected) continue;
      }
      itemPopup.activateItem(item);
      break;
    }
    resolve(selected);
    `,
    [folderUrl(folderName), select, `${extensionWidgetId}-menuitem-_${menuId}`, expectedRows],
  );
}

/** What the options page's permissions.request would grant after the user clicked "Allow". */
export async function grantHostPermission(
  marionette: MarionetteClient,
  originPattern: string,
): Promise<void> {
  await marionette.executeAsync(
    `
    const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
    const policy = WebExtensionPolicy.getByID(arguments[0]);
    await ExtensionPermissions.add(arguments[0], { permissions: [], origins: [arguments[1]] }, policy?.extension);
    resolve(true);
    `,
    [extensionId, originPattern],
  );
}

/** The user edits a card of the "CRM" address book in Thunderbird's own UI code path. */
export async function editCardInAddressBook(
  marionette: MarionetteClient,
  uid: string,
  edits: Array<{ property: string; value: string }>,
): Promise<void> {
  await marionette.executeAsync(
    `
    const [uid, edits] = arguments;
    const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
    const directory = MailServices.ab.directories.find((d) => d.dirName === 'CRM');
    if (!directory) throw new Error('no CRM address book');
    const card = directory.childCards.find((c) => c.UID === uid);
    if (!card) throw new Error('no card ' + uid + ' in the CRM address book');
    for (const { property, value } of edits) {
      card.vCardProperties.clearValues(property);
      card.vCardProperties.addValue(property, value);
    }
    directory.modifyCard(card);
    resolve(true);
    `,
    [uid, edits],
  );
}

/** Cards of the "CRM" address book as Thunderbird stores them. */
export async function readCrmAddressBook(
  marionette: MarionetteClient,
): Promise<Array<{ uid: string; vCard: string }>> {
  return marionette.execute(
    `
    const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
    const directory = MailServices.ab.directories.find((d) => d.dirName === 'CRM');
    if (!directory) return [];
    return directory.childCards.map((c) => ({ uid: c.UID, vCard: c.getProperty('_vCard', '') }));
    `,
  );
}

/**
 * Opens a mail of `folderName` in its own message tab, as a double-click does, and waits until it
 * is displayed with our message display action button in its header.
 */
export async function openMailInTab(
  marionette: MarionetteClient,
  folderName: string,
  messageId: string,
): Promise<void> {
  await marionette.executeAsync(
    `
    const [url, messageId, buttonId] = arguments;
    const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
    const folder = MailServices.folderLookup.getFolderForURL(url);
    if (!folder) throw new Error('no folder ' + url);
    const wait = async (probe, what) => {
      const deadline = Date.now() + 30000;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // An mbox written before start is indexed when the folder is first shown.
    const tabmail = document.getElementById('tabmail');
    tabmail.switchToTab(0);
    tabmail.currentAbout3Pane.displayFolder(folder);
    const header = await wait(() => {
      try {
        return folder.msgDatabase.getMsgHdrForMessageID(messageId);
      } catch {
        return null; // NS_MSG_ERROR_FOLDER_SUMMARY_OUT_OF_DATE while the folder is being indexed
      }
    }, 'mail ' + messageId);
    tabmail.openTab('mailMessageTab', { messageURI: folder.getUriForMsg(header), background: false });
    const aboutMessage = await wait(
      () => tabmail.currentTabInfo.mode.name === 'mailMessageTab' && tabmail.currentTabInfo.chromeBrowser.contentWindow,
      'the message tab',
    );
    await wait(() => aboutMessage.gMessage?.messageId === messageId, 'the mail to be displayed');
    await wait(() => aboutMessage.document.getElementById(buttonId), 'the inbox-crm header button');
    resolve(true);
    `,
    [folderUrl(folderName), messageId, `${extensionWidgetId}-messageDisplayAction-toolbarbutton`],
  );
}

/** Selects a mail in the 3-pane view's list, so it shows in the message pane below. */
export async function showMailInThreePane(
  marionette: MarionetteClient,
  folderName: string,
  messageId: string,
): Promise<void> {
  await marionette.executeAsync(
    `
    const [url, messageId, buttonId] = arguments;
    const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
    const wait = async (probe, what) => {
      const deadline = Date.now() + 30000;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const tabmail = document.getElementById('tabmail');
    tabmail.switchToTab(0);
    const about3Pane = tabmail.currentAbout3Pane;
    about3Pane.displayFolder(MailServices.folderLookup.getFolderForURL(url));
    if (!about3Pane.gViewWrapper.showUnthreaded) about3Pane.gViewWrapper.showUnthreaded = true;
    const row = await wait(() => {
      const view = about3Pane.gDBView;
      for (let i = 0; view && i < view.rowCount; i++) if (view.getMsgHdrAt(i).messageId === messageId) return String(i);
      return null;
    }, 'the mail in the list');
    about3Pane.threadTree.selectedIndex = Number(row);
    const aboutMessage = await wait(() => tabmail.currentAboutMessage, 'the message pane');
    await wait(() => aboutMessage.gMessage?.messageId === messageId, 'the mail to be displayed');
    await wait(() => aboutMessage.document.getElementById(buttonId), 'the inbox-crm header button');
    resolve(true);
    `,
    [folderUrl(folderName), messageId, `${extensionWidgetId}-messageDisplayAction-toolbarbutton`],
  );
}

/** Badge and tooltip of our header button above the displayed mail (what the product set). */
export async function messageButtonState(
  marionette: MarionetteClient,
): Promise<{ badge: string | null; tooltip: string | null }> {
  return marionette.execute(
    `
    const aboutMessage = document.getElementById('tabmail').currentAboutMessage;
    const button = aboutMessage.document.getElementById(arguments[0]);
    return { badge: button.getAttribute('badge'), tooltip: button.getAttribute('tooltiptext') };
    `,
    [`${extensionWidgetId}-messageDisplayAction-toolbarbutton`],
  );
}

/**
 * Clicks our header button above the displayed mail (3-pane or message tab) and waits for the
 * popup page to be loaded in its panel.
 */
export async function openMessagePopup(marionette: MarionetteClient): Promise<void> {
  await marionette.executeAsync(
    `
    const aboutMessage = document.getElementById('tabmail').currentAboutMessage;
    const button = aboutMessage?.document.getElementById(arguments[0]);
    if (!button) throw new Error('no inbox-crm header button in the current tab');
    // A user's click lands in the message view first: the action waits for its window to have
    // focus (in the 3-pane a click without it was lost — see the report).
    aboutMessage.browsingContext.embedderElement.focus();
    button.click();
    const deadline = Date.now() + 30000;
    for (;;) {
      const browser = [...document.querySelectorAll('panel')]
        .filter((panel) => panel.state === 'open')
        .map((panel) => panel.querySelector('browser'))
        .find((candidate) => candidate?.currentURI?.spec.endsWith('/popup.html'));
      if (browser && browser.browsingContext?.currentWindowGlobal) break;
      if (Date.now() > deadline) throw new Error('the inbox-crm popup did not open');
      await new Promise((r) => setTimeout(r, 50));
    }
    resolve(true);
    `,
    [`${extensionWidgetId}-messageDisplayAction-toolbarbutton`],
  );
}

/** Closes the open popup, as a click elsewhere does. */
export async function closeMessagePopup(marionette: MarionetteClient): Promise<void> {
  await marionette.execute(
    `
    for (const panel of document.querySelectorAll('panel'))
      if (panel.state === 'open' && panel.querySelector('browser')?.currentURI?.spec.endsWith('/popup.html')) panel.hidePopup();
    `,
  );
}

/**
 * Chrome-side lookup of an extension page's <browser> by file name, in every window: the popup's
 * panel, the options tab, the bulk-results window.
 */
const findPageBrowser = `
  const findPageBrowser = (page) => [...Services.wm.getEnumerator(null)]
    .flatMap((win) => [...win.document.querySelectorAll('browser')])
    .find((candidate) => {
    if (!candidate.currentURI?.spec.split('?')[0].endsWith('/' + page)) return false;
    if (!candidate.browsingContext?.currentWindowGlobal) return false;
    const panel = candidate.closest('panel');
    return !panel || panel.state === 'open';
  });`;

export type ExtensionPage = 'popup.html' | 'options.html' | 'bulk.html';

/**
 * Runs `body` (a function body; `arguments[i]` are the args) inside an open extension page —
 * `popup.html` in its panel or `options.html` in its tab: the real, out-of-process page — through
 * Marionette's own content actor, which Marionette registers for every frame (its content
 * context cannot reach Thunderbird's panels and tabs directly).
 */
export async function inExtensionPage<T>(
  marionette: MarionetteClient,
  page: ExtensionPage,
  body: string,
  args: unknown[] = [],
): Promise<T> {
  return marionette.executeAsync<T>(
    `
    const [page, body, args] = arguments;
    ${findPageBrowser}
    const browser = findPageBrowser(page);
    if (!browser) throw new Error('no inbox-crm ' + page + ' is open');
    const actor = browser.browsingContext.currentWindowGlobal.getActor('MarionetteCommands');
    resolve(await actor.executeScript(body, args, {}));
    `,
    [page, body, args],
  );
}

/** Runs `body` inside the open message popup (see inExtensionPage). */
export function inMessagePopup<T>(
  marionette: MarionetteClient,
  body: string,
  args: unknown[] = [],
): Promise<T> {
  return inExtensionPage<T>(marionette, 'popup.html', body, args);
}

/**
 * A WebDriver element click on `selector` in an extension page: Marionette scrolls it into view
 * and synthesizes the mouse events in the page's process, so the page sees a real user gesture
 * (what permissions.request insists on) — unlike element.click() from a script.
 */
export async function clickInExtensionPage(
  marionette: MarionetteClient,
  page: ExtensionPage,
  selector: string,
): Promise<void> {
  await marionette.executeAsync(
    `
    const [page, selector] = arguments;
    ${findPageBrowser}
    const browser = findPageBrowser(page);
    if (!browser) throw new Error('no inbox-crm ' + page + ' is open');
    const actor = browser.browsingContext.currentWindowGlobal.getActor('MarionetteCommands');
    const element = await actor.findElement('css selector', selector, {});
    const capabilities = { toJSON: () => ({ 'moz:accessibilityChecks': false, 'moz:webdriverClick': true }) };
    await actor.clickElement(element, capabilities);
    resolve(true);
    `,
    [page, selector],
  );
}

/** Whether the options page is open and loaded in a tab. */
export async function waitForOptionsPage(marionette: MarionetteClient): Promise<void> {
  await marionette.executeAsync(
    `
    ${findPageBrowser}
    const deadline = Date.now() + 30000;
    while (!findPageBrowser('options.html')) {
      if (Date.now() > deadline) throw new Error('the inbox-crm options page did not open');
      await new Promise((r) => setTimeout(r, 50));
    }
    resolve(true);
    `,
  );
}

/**
 * The add-on permission prompt Thunderbird shows for permissions.request: waits for it and
 * answers it as the user would (Allow / Cancel). Resolves with the prompt's text.
 */
export async function answerPermissionPrompt(
  marionette: MarionetteClient,
  answer: 'allow' | 'deny',
): Promise<string> {
  return marionette.executeAsync<string>(
    `
    const answer = arguments[0];
    const deadline = Date.now() + 30000;
    let notification;
    for (;;) {
      notification = document.getElementById('addon-webext-permissions-notification');
      if (notification && !notification.hidden && notification.closest('panel')?.state === 'open') break;
      if (Date.now() > deadline) throw new Error('no add-on permission prompt appeared');
      await new Promise((r) => setTimeout(r, 50));
    }
    const text = notification.textContent.replace(/\\s+/g, ' ').trim();
    (answer === 'allow' ? notification.button : notification.secondaryButton).click();
    resolve(text);
    `,
    [answer],
  );
}

/** The origins the user has granted the add-on at run time. */
export async function grantedOrigins(marionette: MarionetteClient): Promise<string[]> {
  return marionette.executeAsync<string[]>(
    `
    const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
    resolve((await ExtensionPermissions.get(arguments[0])).origins);
    `,
    [extensionId],
  );
}

/** Trusts a CA certificate (DER, base64) in the profile, as an admin importing a company CA does. */
export async function trustCertificateAuthority(
  marionette: MarionetteClient,
  derBase64: string,
): Promise<void> {
  await marionette.execute(
    `
    const certificates = Cc['@mozilla.org/security/x509certdb;1'].getService(Ci.nsIX509CertDB);
    certificates.addCertFromBase64(arguments[0], 'C,,');
    `,
    [derBase64],
  );
}

/**
 * The window identity.launchWebAuthFlow opens when the identity provider shows a page instead of
 * redirecting at once: waits for it, returns the URL it shows, and clicks `selector` in it with a
 * WebDriver click, as the user signing in does.
 */
export async function clickInWebAuthWindow(
  marionette: MarionetteClient,
  selector: string,
): Promise<string> {
  return marionette.executeAsync<string>(
    `
    const selector = arguments[0];
    const deadline = Date.now() + 30000;
    for (;;) {
      const authWindow = [...Services.wm.getEnumerator(null)].find((candidate) => candidate.name === 'launchWebAuthFlow_dialog');
      const browser = authWindow?.gBrowser?.selectedBrowser;
      const actor = browser?.browsingContext?.currentWindowGlobal?.getActor('MarionetteCommands');
      if (actor) {
        try {
          const element = await actor.findElement('css selector', selector, {});
          const url = browser.currentURI.spec;
          const capabilities = { toJSON: () => ({ 'moz:accessibilityChecks': false, 'moz:webdriverClick': true }) };
          await actor.clickElement(element, capabilities);
          resolve(url);
          return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
      }
      if (Date.now() > deadline) throw new Error('no sign-in window showing ' + selector);
      await new Promise((r) => setTimeout(r, 100));
    }
    `,
    [selector],
  );
}

/** Whether the web auth flow window is (still) open. */
export async function webAuthWindowOpen(marionette: MarionetteClient): Promise<boolean> {
  return marionette.execute(
    `return [...Services.wm.getEnumerator(null)].some((candidate) => candidate.name === 'launchWebAuthFlow_dialog' && !candidate.closed);`,
  );
}
