'use client';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
// Forms bound to server actions: pending state, a status line read by screen readers, field errors
// next to their fields (aria-describedby), and a secret shown once.
import {
  type ComponentProps,
  createContext,
  type ReactNode,
  startTransition,
  useActionState,
  useContext,
  useEffect,
  useId,
  useRef,
} from 'react';
import { type FormState, idleState } from '../form-state.ts';

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

const FormStateContext = createContext<FormState>(idleState);

export function ActionForm(props: {
  action: Action;
  submitLabel: string;
  pendingLabel: string;
  children: ReactNode;
  className?: string;
  label?: string;
  onDone?: (state: FormState) => void;
}) {
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const next = await props.action(previous, form);
    props.onDone?.(next);
    return next;
  }, idleState);
  // React empties a form after its action returns, refused or not; submitting through a transition
  // instead keeps what was typed beside the messages about it, and only an accepted form is emptied.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === 'ok') formRef.current?.reset();
  }, [state]);
  return (
    <FormStateContext.Provider value={state}>
      <form
        ref={formRef}
        action={formAction}
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          startTransition(() => formAction(data));
        }}
        className={props.className ?? 'form'}
        aria-label={props.label}
        noValidate
      >
        {props.children}
        <div className="form-actions">
          <button type="submit" disabled={pending} aria-disabled={pending}>
            {pending ? props.pendingLabel : props.submitLabel}
          </button>
        </div>
        <FormStatus state={state} />
      </form>
    </FormStateContext.Provider>
  );
}

export function FormStatus({ state }: { state: FormState }) {
  return (
    <div role="status" aria-live="polite" className="form-status">
      {state.message ? (
        <p className={state.status === 'error' ? 'error' : 'ok'}>
          {state.message}
          {state.link ? (
            <>
              {' '}
              <Link href={state.link.href}>{state.link.label}</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {state.rowErrors?.length ? (
        <ul className="row-errors">
          {state.rowErrors.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      {state.secret ? <ShownOnce label={state.secret.label} value={state.secret.value} /> : null}
    </div>
  );
}

export function ShownOnce({ label, value }: { label: string; value: string }) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  return (
    <div className="secret">
      <label htmlFor={id}>{label}</label>
      <input id={id} ref={ref} readOnly value={value} onFocus={() => ref.current?.select()} />
    </div>
  );
}

type FieldProps = {
  name: string;
  label: string;
  hint?: string;
} & Omit<ComponentProps<'input'>, 'name' | 'id'>;

export function useFieldError(name: string): string | undefined {
  return useContext(FormStateContext).fieldErrors?.[name];
}

function Described(props: { id: string; hint?: string; error?: string }) {
  return (
    <>
      {props.hint ? (
        <small id={`${props.id}-hint`} className="hint">
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small id={`${props.id}-error`} className="field-error">
          {props.error}
        </small>
      ) : null}
    </>
  );
}

const describedBy = (id: string, hint?: string, error?: string) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function Field({ name, label, hint, ...input }: FieldProps) {
  const t = useTranslations();
  const id = useId();
  const error = useFieldError(name);
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {input.required ? <span className="req"> ({t('common.required')})</span> : null}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...input}
      />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function SelectField(props: {
  name: string;
  label: string;
  options: readonly { value: string; label: string }[];
  defaultValue?: string;
  hint?: string;
  required?: boolean;
  onChange?: (value: string) => void;
}) {
  const id = useId();
  const error = useFieldError(props.name);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        defaultValue={props.defaultValue}
        required={props.required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
        onChange={(event) => props.onChange?.(event.target.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Described id={id} hint={props.hint} error={error} />
    </div>
  );
}

export function TextAreaField(props: {
  name: string;
  label: string;
  hint?: string;
  rows?: number;
  defaultValue?: string;
}) {
  const id = useId();
  const error = useFieldError(props.name);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        defaultValue={props.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
      />
      <Described id={id} hint={props.hint} error={error} />
    </div>
  );
}

/** A button that runs a server action for one object after the user confirms. */
export function RemoveButton(props: {
  action: () => Promise<FormState>;
  confirmText: string;
  /** Accessible name; starts with the visible text. */
  label: string;
  text?: string;
}) {
  const t = useTranslations();
  const [state, formAction, pending] = useActionState(() => props.action(), idleState);
  return (
    <form action={formAction} className="inline">
      <button
        type="submit"
        className="danger"
        disabled={pending}
        aria-label={props.label}
        onClick={(event) => {
          if (!window.confirm(props.confirmText)) event.preventDefault();
        }}
      >
        {props.text ?? t('common.remove')}
      </button>
      {state.status === 'error' ? (
        <span role="alert" className="error">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
