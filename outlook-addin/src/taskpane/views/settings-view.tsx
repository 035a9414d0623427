import type { Me } from '@inbox-crm/shared/schemas';
import { useEffect, useState } from 'preact/hooks';
import type { HostCapabilities } from '../../host/requirement-sets';
import type { CrmGateway, OutlookContactSyncStatus } from '../crm-gateway';
import type { MessageKey, Translate } from '../i18n';
import { errorText } from '../ui';

const capabilityRows: [keyof HostCapabilities, MessageKey][] = [
  ['multiSelect', 'capabilityMultiSelect'],
  ['emlFile', 'capabilityEml'],
  ['attachmentContent', 'capabilityAttachments'],
  ['nestedAppAuth', 'capabilityNaa'],
];

export function SettingsView(props: {
  t: Translate;
  gateway: CrmGateway;
  me: Me;
  capabilities: HostCapabilities;
  onSignOut: () => void;
  onClose: () => void;
}) {
  const { t, gateway } = props;
  const [sync, setSync] = useState<
    { status: OutlookContactSyncStatus | null } | { error: string } | null
  >(null);

  useEffect(() => {
    gateway.outlookContactSyncStatus().then(
      (status) => setSync({ status }),
      (error: unknown) => setSync({ error: errorText(error) }),
    );
  }, [gateway]);

  let syncText = t('loading');
  if (sync && 'error' in sync) syncText = t('contactSyncError', { message: sync.error });
  else if (sync && !sync.status) syncText = t('contactSyncUnknown');
  else if (sync?.status && !sync.status.enabled) syncText = t('contactSyncOff');
  else if (sync?.status?.lastError)
    syncText = t('contactSyncError', { message: sync.status.lastError });
  else if (sync?.status?.lastSyncAt)
    syncText = t('contactSyncOn', { when: new Date(sync.status.lastSyncAt).toLocaleString() });
  else if (sync?.status) syncText = t('contactSyncNever');

  return (
    <section class="card" aria-labelledby="settings-heading">
      <div class="header">
        <h2 id="settings-heading">{t('settings')}</h2>
        <button type="button" onClick={props.onClose}>
          {t('close')}
        </button>
      </div>
      <p>{t('signedInAs', { name: props.me.name })}</p>
      <h3>{t('contactSync')}</h3>
      <p role="status">{syncText}</p>
      <h3>{t('capabilities')}</h3>
      <dl class="pairs">
        {capabilityRows.map(([capability, label]) => (
          <>
            <dt>{t(label)}</dt>
            <dd>{props.capabilities[capability] ? t('supported') : t('unsupported')}</dd>
          </>
        ))}
      </dl>
      <div class="actions">
        <button type="button" onClick={props.onSignOut}>
          {t('signOut')}
        </button>
      </div>
    </section>
  );
}
