/** User Timing marks the benchmark reads (tests/outlook/first-render-benchmark.ts). */
export const officeReadyMark = 'inbox-crm:office-ready';
/** The pane's first render, right after `Office.onReady` handed over. */
export const firstRenderMark = 'inbox-crm:first-render';
/** The first useful view: the sign-in form or the selected mail's card. */
export const readyMark = 'inbox-crm:ready';
