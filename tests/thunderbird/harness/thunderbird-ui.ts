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
