import { render } from 'preact';
import { createBackgroundSender } from '../../background/protocol';
import { browser } from '../../host/browser';
import { createTranslate } from '../i18n';
import { BulkApp } from './bulk-app';

const send = createBackgroundSender((message) => browser.runtime.sendMessage(message));
const t = createTranslate((key, substitutions) => browser.i18n.getMessage(key, substitutions));
const jobId = new URLSearchParams(location.search).get('job') ?? '';

render(<BulkApp send={send} jobId={jobId} t={t} />, document.getElementById('app')!);
