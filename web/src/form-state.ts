// What a server action tells the form that called it.
export interface FormState {
  status: 'idle' | 'ok' | 'error';
  message?: string;
  /** Per field, by form field name (`name`, `connection.host`). */
  fieldErrors?: Record<string, string>;
  /** Lines pointing at bad rows of an import. */
  rowErrors?: string[];
  /** The account an invitation was accepted for, so the browser can log in as it. */
  email?: string;
  /** A secret shown once (API key, invitation link). */
  secret?: { label: string; value: string };
  /** Where to go about the message (e.g. a plan limit: the usage page). */
  link?: { href: string; label: string };
}

export const idleState: FormState = { status: 'idle' };
