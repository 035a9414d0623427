import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * How the pane opens a CRM page: `Office.context.ui.openBrowserWindow` where the host has it
 * (returns true), else the link's own `target=_blank` (returns false). Provided by the App.
 */
export const OpenLinkContext = createContext<(url: string) => boolean>(() => false);

/** A link to a CRM console page ("Open in CRM"), opened in the user's browser. */
export function CrmLink(props: { href: string; label?: string; children: ComponentChildren }) {
  const open = useContext(OpenLinkContext);
  return (
    <a
      href={props.href}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={props.label}
      onClick={(event) => {
        if (open(props.href)) event.preventDefault();
      }}
    >
      {props.children}
    </a>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div class="person" role="status" aria-live="polite">
      <div class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export type Tone = 'success' | 'warning' | 'error';

/** Results and errors are announced to screen readers (`role=status` / `alert`). */
export function Message({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return (
    <div class={`message ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Avatar({ name }: { name: string }) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => Array.from(part)[0]?.toUpperCase() ?? '')
    .join('');
  return (
    <div class="avatar" aria-hidden="true">
      {initials || '?'}
    </div>
  );
}

/** A readable message from anything thrown (ApiError messages are written for users). */
export function errorText(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
