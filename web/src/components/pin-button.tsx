'use client';
// Pins a tag or a chart to the viewer's home page, or unpins it (ADR 0019). Controlled: the caller
// keeps what is pinned and hears about each change, so a list of buttons stays consistent.
import type { HomePin } from '@plantwatch/shared';
import { useState, useTransition } from 'react';
import { setPinned } from '../server/layout-actions.ts';

export function PinButton(props: {
  pin: HomePin;
  pinned: boolean;
  /** What the button pins, for screen readers ("Pin Reservoir level to your home page"). */
  label: { pin: string; unpin: string };
  text: { pin: string; unpin: string };
  onChange(pinned: boolean): void;
  disabled?: boolean;
}) {
  const [busy, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const toggle = () =>
    startTransition(async () => {
      setError(null);
      const result = await setPinned(props.pin, !props.pinned);
      if (result.ok) props.onChange(result.pinned);
      else setError(result.message);
    });
  return (
    <>
      <button
        type="button"
        className="secondary pin-button"
        aria-pressed={props.pinned}
        aria-label={props.pinned ? props.label.unpin : props.label.pin}
        disabled={busy || props.disabled}
        onClick={toggle}
      >
        {props.pinned ? props.text.unpin : props.text.pin}
      </button>
      {error ? (
        <span className="error" role="alert">
          {' '}
          {error}
        </span>
      ) : null}
    </>
  );
}
