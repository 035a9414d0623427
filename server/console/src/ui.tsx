import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorsFromApi, type FieldErrors } from './forms';

let fieldCounter = 0;
function useFieldId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${(fieldCounter += 1)}`);
  return id;
}

interface TextFieldProps {
  label: string;
  name: string;
  value: string;
  onInput(value: string): void;
  errors?: FieldErrors;
  type?: 'text' | 'password' | 'email' | 'number';
  required?: boolean;
  autoComplete?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
}

/** A labelled input whose error is announced and tied to it with aria-describedby. */
export function TextField(props: TextFieldProps) {
  const id = useFieldId(props.name);
  const error = props.errors?.[props.name];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        autocomplete={props.autoComplete}
        inputMode={props.inputMode}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(event) => props.onInput((event.currentTarget as HTMLInputElement).value)}
      />
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function CheckboxField(props: {
  label: string;
  name: string;
  checked: boolean;
  onChange(value: boolean): void;
}) {
  return (
    <label class="checkbox">
      <input
        type="checkbox"
        name={props.name}
        checked={props.checked}
        onChange={(event) => props.onChange((event.currentTarget as HTMLInputElement).checked)}
      />
      {props.label}
    </label>
  );
}

interface SelectFieldProps {
  label: string;
  name: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange(value: string): void;
  errors?: FieldErrors;
}

export function SelectField(props: SelectFieldProps) {
  const id = useFieldId(props.name);
  const error = props.errors?.[props.name];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={error ? 'true' : undefined}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((option) => (
          <option value={option.value} key={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? <p class="field-error">{error}</p> : null}
    </div>
  );
}

/** Form-level problems (not tied to one field) and success notes, announced to screen readers. */
export function FormStatus(props: { errors?: FieldErrors; success?: string | null }) {
  const formError = props.errors?.form;
  const fieldErrorCount = Object.keys(props.errors ?? {}).filter((key) => key !== 'form').length;
  return (
    <div role="status" aria-live="polite" class="form-status">
      {formError ? <p class="banner banner-error">{formError}</p> : null}
      {!formError && fieldErrorCount > 0 ? (
        <p class="banner banner-error">
          {Object.entries(props.errors ?? {})
            .filter(([key]) => key !== 'form')
            .map(([key, message]) => `${key}: ${message}`)
            .join(' · ')}
        </p>
      ) : null}
      {props.success ? <p class="banner banner-success">{props.success}</p> : null}
    </div>
  );
}

export function Page(props: {
  title: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title">{props.title}</h1>
        {props.actions ? <div class="page-actions">{props.actions}</div> : null}
      </header>
      {props.children}
    </section>
  );
}

export interface AsyncState<Value> {
  data: Value | undefined;
  error: FieldErrors | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads data for a page; errors become readable messages instead of blank screens. */
export function useAsync<Value>(load: () => Promise<Value>, deps: unknown[]): AsyncState<Value> {
  const [state, setState] = useState<{ data?: Value; error?: FieldErrors; loading: boolean }>({
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error: errorsFromApi(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' },
) {
  const { variant = 'secondary', class: className, type, ...rest } = props;
  return (
    <button
      type={(type as 'button' | 'submit' | undefined) ?? 'button'}
      class={`button button-${variant} ${className ?? ''}`}
      {...rest}
    />
  );
}

export function formatMoney(value: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(value);
}

export function formatDateTime(iso: string | undefined, language: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}
