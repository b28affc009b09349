'use client';
import { strings } from '../../strings.ts';

export default function AppError({ reset }: { error: Error; reset: () => void }) {
  return (
    <main id="main" className="narrow">
      <title>{`${strings.errors.errorTitle} · ${strings.titleSuffix}`}</title>
      <h1>{strings.errors.errorTitle}</h1>
      <p>{strings.errors.errorText}</p>
      <button type="button" onClick={reset}>
        {strings.errors.tryAgain}
      </button>
    </main>
  );
}
